import doctest

import numpy as np
import pytest

import cnn_core.digits
from cnn_core import Digits, load_digits, split_digits

# Per digit 0–9, counted in scikit-learn's digits.csv.gz (its docs say "about 180").
COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_1797_images_of_8x8_ink_counts_0_to_16():
    digits = load_digits()
    assert digits.images.shape == (1797, 8, 8) and digits.images.dtype == np.uint8
    assert digits.labels.shape == (1797,) and digits.labels.dtype == np.int64
    assert digits.images.min() == 0 and digits.images.max() == 16
    np.testing.assert_array_equal(digits.rows, np.arange(1797))


def test_each_digit_has_174_to_183_images():
    assert np.bincount(load_digits().labels).tolist() == COUNTS


def test_first_image_is_the_files_first_row():
    # Row 0 of digits.csv.gz, pixels row by row, then its label: a 0.
    first = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11]
    digits = load_digits()
    assert digits.images[0].ravel()[:22].tolist() == first
    assert digits.labels[:10].tolist() == list(range(10))


def test_split_is_1437_train_and_360_test():
    train, test = split_digits()
    assert (len(train), len(test)) == (1437, 360)
    assert train.images.shape == (1437, 8, 8) and test.images.shape == (360, 8, 8)


def test_split_gives_each_digit_a_fifth_of_its_images_to_test():
    _, test = split_digits()
    per_digit = np.bincount(test.labels, minlength=10)
    assert per_digit.sum() == 360
    assert np.all(np.abs(per_digit - np.array(COUNTS) * 360 / 1797) < 1)


def test_split_does_not_overlap_and_keeps_every_image_with_its_label():
    digits = load_digits()
    train, test = split_digits(digits)
    assert not set(train.rows) & set(test.rows)
    np.testing.assert_array_equal(np.sort(np.concatenate([train.rows, test.rows])), digits.rows)
    for part in (train, test):
        assert np.all(np.diff(part.rows) > 0)  # the file's order
        np.testing.assert_array_equal(part.images, digits.images[part.rows])
        np.testing.assert_array_equal(part.labels, digits.labels[part.rows])


def test_split_is_the_same_on_every_run():
    first, second = split_digits()[1], split_digits()[1]
    np.testing.assert_array_equal(first.rows, second.rows)
    # Pinned: if NumPy ever changes what default_rng(1998) draws, this fails rather
    # than the test set changing under a trained model.
    assert first.rows[:10].tolist() == [6, 14, 15, 25, 27, 28, 29, 31, 34, 38]
    assert int(first.rows.sum()) == 312_956


def test_split_of_a_small_set_takes_one_in_five_of_each_digit():
    labels = np.repeat(np.arange(10), 5)
    digits = Digits(np.zeros((50, 8, 8), np.uint8), labels, np.arange(50))
    train, test = split_digits(digits)
    assert len(train) == 40 and sorted(test.labels.tolist()) == list(range(10))


def test_split_rounds_the_test_set_up():
    digits = Digits(np.zeros((11, 8, 8), np.uint8), np.array([3] * 6 + [7] * 5), np.arange(11))
    train, test = split_digits(digits)
    assert (len(train), len(test)) == (8, 3)
    assert np.bincount(test.labels, minlength=10)[[3, 7]].tolist() == [2, 1]  # shares 1.64, 1.36


def test_a_wrong_file_names_its_shapes_and_values(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, images=np.zeros((3, 8, 7), np.uint8), labels=np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match=r"got images \(3, 8, 7\) and labels \(3,\)"):
        load_digits(path)
    np.savez(path, images=np.full((3, 8, 8), 17, np.uint8), labels=np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="got pixels 17–17 and labels 0–0"):
        load_digits(path)


def test_docstring_examples_run():
    assert doctest.testmod(cnn_core.digits).failed == 0
