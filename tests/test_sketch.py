"""Unit tests of the sketch kernels: determinism, agreement with a reference, estimates."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from copytrace import Settings, SettingsError, sketch_batch
from copytrace.sketch import EMPTY, estimate_jaccard, shingle_text, signature_of_shingles

WORDS = [f"w{i}" for i in range(5000)]


def make_text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def test_signature_equals_reference_from_shingles() -> None:
    rng = random.Random(1)
    texts = [make_text(rng, n) for n in (0, 1, 3, 4, 5, 6, 50, 700, 9000)]
    s = Settings()
    sk = sketch_batch(texts, s)
    for i, text in enumerate(texts):
        ref = signature_of_shingles(shingle_text(text, s).hashes, s)
        assert np.array_equal(ref, sk.signatures[i])
    assert (sk.signatures[0] == EMPTY).all()
    assert sk.n_tokens.tolist() == [0, 1, 3, 4, 5, 6, 50, 700, 9000]


def test_batching_and_threads_do_not_change_sketches() -> None:
    rng = random.Random(2)
    texts = [make_text(rng, rng.randint(0, 300)) for _ in range(200)]
    whole = sketch_batch(texts, Settings())
    parts = [sketch_batch(texts[i : i + 7], Settings()) for i in range(0, 200, 7)]
    assert np.array_equal(whole.signatures, np.concatenate([p.signatures for p in parts]))
    assert np.array_equal(whole.exact, np.concatenate([p.exact for p in parts]))


def test_sketches_are_identical_in_a_fresh_process() -> None:
    code = (
        "from copytrace import sketch_batch, Settings;"
        "import hashlib;"
        "sk = sketch_batch(['The quick brown fox jumps over the lazy dog again'], Settings());"
        "print(hashlib.sha256(sk.signatures.tobytes() + sk.exact.tobytes()).hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    sk = sketch_batch(["The quick brown fox jumps over the lazy dog again"], Settings())
    import hashlib

    here = hashlib.sha256(sk.signatures.tobytes() + sk.exact.tobytes()).hexdigest()
    assert out.stdout.strip() == here


def test_seed_changes_signature_not_exact_hash() -> None:
    text = ["one two three four five six seven eight"]
    a, b = sketch_batch(text, Settings(seed=1)), sketch_batch(text, Settings(seed=2))
    assert not np.array_equal(a.signatures, b.signatures)
    assert np.array_equal(a.exact, b.exact)


def test_exact_hash_ignores_case_and_punctuation_only() -> None:
    sk = sketch_batch(
        ["Hello, world! It's here.", "hello world it s here", "hello world here"], Settings()
    )
    assert np.array_equal(sk.exact[0], sk.exact[1])
    assert not np.array_equal(sk.exact[0], sk.exact[2])


@pytest.mark.parametrize("overlap", [0.2, 0.5, 0.8])
def test_estimate_tracks_true_jaccard(overlap: float) -> None:
    rng = random.Random(3)
    shared = [rng.choice(WORDS) for _ in range(int(2000 * overlap))]
    a = shared + [rng.choice(WORDS) for _ in range(2000 - len(shared))]
    b = shared + [rng.choice(WORDS) for _ in range(2000 - len(shared))]
    s = Settings(num_perm=512)
    ta, tb = " ".join(a), " ".join(b)
    sk = sketch_batch([ta, tb], s)
    ha = set(shingle_text(ta, s).hashes.tolist())
    hb = set(shingle_text(tb, s).hashes.tolist())
    true = len(ha & hb) / len(ha | hb)
    assert abs(float(estimate_jaccard(sk.signatures[0], sk.signatures[1])) - true) < 0.08


def test_settings_are_validated_with_clear_messages() -> None:
    with pytest.raises(
        SettingsError, match=r"The 'num_perm' setting must be an int in \[8, 4096\]; got 0\."
    ):
        Settings(num_perm=0)
    with pytest.raises(SettingsError, match="'bands' and 'rows'"):
        Settings(bands=4)
    with pytest.raises(SettingsError, match="fit in num_perm"):
        Settings(bands=64, rows=4)
    assert Settings().sketch_fingerprint() == Settings(threshold=0.5).sketch_fingerprint()
    assert Settings().sketch_fingerprint() != Settings(shingle_size=4).sketch_fingerprint()
    assert Settings.from_dict(Settings(seed=9).to_dict()) == Settings(seed=9)


@pytest.mark.parametrize("window", [1, 4, 8])
def test_kernel_fingerprints_equal_reference_winnowing(window: int) -> None:
    from copytrace.sketch import winnow

    rng = random.Random(window)
    texts = [make_text(rng, n) for n in (0, 1, 3, 5, 6, 9, 12, 80, 5000)]
    s = Settings(winnow_window=window)
    sk = sketch_batch(texts, s)
    for i, text in enumerate(texts):
        ref_h, ref_p = winnow(shingle_text(text, s).hashes, window)
        lo, hi = sk.fp_offsets[i], sk.fp_offsets[i + 1]
        assert sk.fp_hash[lo:hi].tolist() == ref_h.tolist()
        assert sk.fp_pos[lo:hi].tolist() == ref_p.tolist()


def test_winnowing_guarantee_catches_shared_runs() -> None:
    rng = random.Random(7)
    s = Settings()
    run = [rng.choice(WORDS) for _ in range(s.winnow_window + s.shingle_size - 1)]
    a = make_text(rng, 300) + " " + " ".join(run) + " " + make_text(rng, 300)
    b = make_text(rng, 200) + " " + " ".join(run) + " " + make_text(rng, 100)
    sk = sketch_batch([a, b], s)
    fa = set(sk.fp_hash[sk.fp_offsets[0] : sk.fp_offsets[1]].tolist())
    fb = set(sk.fp_hash[sk.fp_offsets[1] : sk.fp_offsets[2]].tolist())
    assert fa & fb
