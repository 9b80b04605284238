# ConvLab: the Streamlit app on a slim Python, runtime requirements only, as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
    && useradd --create-home --uid 10001 convlab

COPY --chown=convlab:convlab app.py ./
COPY --chown=convlab:convlab .streamlit ./.streamlit
COPY --chown=convlab:convlab pages ./pages
COPY --chown=convlab:convlab ui ./ui
COPY --chown=convlab:convlab serve ./serve
COPY --chown=convlab:convlab cnn_core ./cnn_core
COPY --chown=convlab:convlab assets ./assets
COPY --chown=convlab:convlab scripts/healthcheck.py ./scripts/healthcheck.py

# The convlab user created above, by number so any runtime can resolve it.
USER 10001
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.headless=true", "--browser.gatherUsageStats=false"]
