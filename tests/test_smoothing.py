"""One Euro filter and the PoseSmoother frame transform on synthetic signals with known properties."""

from __future__ import annotations

import argparse
import math

import numpy as np
import pytest

from bridge.commands._options import add_smoothing_arguments as add_arguments
from bridge.commands._options import smoother_from_args as from_args
from bridge.errors import UserError
from bridge.frame import PoseFrame
from bridge.smoothing import OneEuroFilter, PoseSmoother

FPS = 30.0


def _block(rng: np.random.Generator, center: float = 0.5, noise: float = 0.0) -> np.ndarray:
    b = np.full((33, 5), center, dtype=np.float32)
    b[:, :3] += rng.normal(0, noise, (33, 3)).astype(np.float32)
    b[:, 3] = rng.uniform(0.6, 1.0, 33)
    b[:, 4] = rng.uniform(0.6, 1.0, 33)
    return b


def _frame(i: int, image: np.ndarray | None, world: np.ndarray | None = None, t: float | None = None) -> PoseFrame:
    return PoseFrame(seq=i, t=i / FPS if t is None else t, captured_ns=i, image=image, world=world)


def test_first_sample_passes_through_and_constant_stays_constant() -> None:
    f = OneEuroFilter(min_cutoff=1.0, beta=0.5)
    x = np.array([[1.0, -2.0, 3.5]])
    assert np.array_equal(f(x, 0.0), x)
    for i in range(1, 20):
        assert np.allclose(f(x, i / FPS), x)


def test_matches_scalar_reference_implementation() -> None:
    """Vectorised output equals a plain scalar One Euro written from the paper's equations."""

    def scalar(xs: list[float], ts: list[float], mc: float, beta: float, dc: float) -> list[float]:
        def alpha(fc: float, dt: float) -> float:
            tau = 1.0 / (2 * math.pi * fc)
            return 1.0 / (1.0 + tau / dt)

        out = [xs[0]]
        x_prev, dx_prev = xs[0], 0.0
        for k in range(1, len(xs)):
            dt = ts[k] - ts[k - 1]
            dx = (xs[k] - x_prev) / dt
            dx_hat = alpha(dc, dt) * dx + (1 - alpha(dc, dt)) * dx_prev
            fc = mc + beta * abs(dx_hat)
            x_hat = alpha(fc, dt) * xs[k] + (1 - alpha(fc, dt)) * x_prev
            out.append(x_hat)
            x_prev, dx_prev = x_hat, dx_hat
        return out

    rng = np.random.default_rng(1)
    ts = list(np.cumsum(rng.uniform(0.02, 0.05, 80)))
    sig = rng.normal(0, 1, (80, 4)).cumsum(axis=0)
    f = OneEuroFilter(min_cutoff=0.7, beta=0.3, d_cutoff=1.5)
    got = np.array([f(sig[k], ts[k]) for k in range(80)])
    for j in range(4):
        ref = scalar(list(sig[:, j]), ts, 0.7, 0.3, 1.5)
        assert np.allclose(got[:, j], ref, rtol=1e-12, atol=1e-12)


def test_reduces_noise_on_a_still_signal() -> None:
    rng = np.random.default_rng(2)
    f = OneEuroFilter(min_cutoff=1.0, beta=1.0)
    raw = 0.5 + rng.normal(0, 0.01, (300, 33, 3))
    out = np.array([f(raw[k], k / FPS) for k in range(300)])
    raw_jitter = np.diff(raw[30:], axis=0).std()
    out_jitter = np.diff(out[30:], axis=0).std()
    assert out_jitter < 0.4 * raw_jitter


def test_higher_beta_follows_fast_motion_more_closely() -> None:
    ts = np.arange(60) / FPS
    ramp = 2.0 * ts  # 2 units per second
    errs = []
    for beta in (0.0, 5.0):
        f = OneEuroFilter(min_cutoff=1.0, beta=beta)
        out = np.array([f(np.array([v]), t)[0] for v, t in zip(ramp, ts, strict=True)])
        errs.append(abs(out[-1] - ramp[-1]))
    assert errs[1] < 0.25 * errs[0]


def test_invalid_parameters() -> None:
    with pytest.raises(ValueError, match="min_cutoff"):
        OneEuroFilter(min_cutoff=0.0)
    with pytest.raises(ValueError, match="beta"):
        PoseSmoother(beta=-1.0)
    with pytest.raises(ValueError, match="d_cutoff"):
        PoseSmoother(d_cutoff=float("nan"))
    with pytest.raises(ValueError, match="max_gap"):
        PoseSmoother(max_gap=0)


def test_pose_smoother_smooths_xyz_keeps_confidences_and_input() -> None:
    rng = np.random.default_rng(3)
    s = PoseSmoother(min_cutoff=1.0, beta=0.0)
    frames = [_frame(i, _block(rng, 0.5, 0.01), _block(rng, 0.0, 0.01)) for i in range(40)]
    outs = [s(f) for f in frames]
    assert outs[0] == frames[0]  # first frame passes through
    for f, o in zip(frames, outs, strict=True):
        assert o.seq == f.seq and o.t == f.t
        assert o.image is not None and f.image is not None and o.world is not None and f.world is not None
        assert np.array_equal(o.image[:, 3:], f.image[:, 3:])
        assert np.array_equal(o.world[:, 3:], f.world[:, 3:])
        assert not o.image.flags.writeable
    raw = np.array([f.image[:, :3] for f in frames])  # type: ignore[index]
    sm = np.array([o.image[:, :3] for o in outs])  # type: ignore[index]
    assert np.diff(sm[10:], axis=0).std() < 0.5 * np.diff(raw[10:], axis=0).std()
    raw_w = np.array([f.world[:, :3] for f in frames])  # type: ignore[index]
    sm_w = np.array([o.world[:, :3] for o in outs])  # type: ignore[index]
    assert np.diff(sm_w[10:], axis=0).std() < 0.5 * np.diff(raw_w[10:], axis=0).std()


def _step_sequence(s: PoseSmoother, before: float, after: float, at: int, *, gap: bool = False) -> list[PoseFrame]:
    rng = np.random.default_rng(4)
    out = []
    for i in range(at):
        out.append(s(_frame(i, _block(rng, before))))
    if gap:
        out.append(s(_frame(at, None)))
        at += 1
    out.append(s(_frame(at, _block(rng, after))))
    return out


def test_gap_resets_history() -> None:
    with_gap = _step_sequence(PoseSmoother(min_cutoff=0.5, beta=0.0), 0.2, 0.8, 10, gap=True)
    assert with_gap[-2].image is None
    assert with_gap[-1].image is not None and np.allclose(with_gap[-1].image[:, :3], 0.8)  # no pull towards 0.2
    without = _step_sequence(PoseSmoother(min_cutoff=0.5, beta=0.0), 0.2, 0.8, 10)
    assert without[-1].image is not None and float(without[-1].image[0, 0]) < 0.5  # a plain step is smoothed


def test_time_going_back_or_jumping_resets_history() -> None:
    rng = np.random.default_rng(5)
    for t_after in (0.0, 0.2, 0.3 + 5.0):  # loop restart, seek back, seek forward beyond max_gap
        s = PoseSmoother(min_cutoff=0.5, beta=0.0)
        for i in range(10):
            s(_frame(i, _block(rng, 0.2)))
        out = s(_frame(10, _block(rng, 0.8), t=t_after))
        assert out.image is not None and np.allclose(out.image[:, :3], 0.8), t_after
        assert s.resets == 1


def test_block_missing_on_one_side_resets_only_that_block() -> None:
    rng = np.random.default_rng(6)
    s = PoseSmoother(min_cutoff=0.5, beta=0.0)
    for i in range(10):
        s(_frame(i, _block(rng, 0.2), _block(rng, 0.2)))
    s(_frame(10, _block(rng, 0.2), None))
    out = s(_frame(11, _block(rng, 0.8), _block(rng, 0.8)))
    assert out.world is not None and np.allclose(out.world[:, :3], 0.8)
    assert out.image is not None and float(out.image[0, 0]) < 0.5


def test_non_finite_input_passes_through_and_resets() -> None:
    rng = np.random.default_rng(7)
    s = PoseSmoother()
    for i in range(5):
        s(_frame(i, _block(rng, 0.2)))
    bad = _block(rng, 0.2)
    bad[3, 1] = np.nan
    out = s(_frame(5, bad))
    assert out.image is not None and np.isnan(out.image[3, 1])
    after = s(_frame(6, _block(rng, 0.8)))
    assert after.image is not None and np.allclose(after.image[:, :3], 0.8)


def test_cli_arguments() -> None:
    p = argparse.ArgumentParser()
    add_arguments(p)
    assert from_args(p.parse_args([])) is None
    sm = from_args(p.parse_args(["--smooth", "--min-cutoff", "0.5", "--beta", "2", "--d-cutoff", "3"]))
    assert sm is not None and (sm.min_cutoff, sm.beta, sm.d_cutoff) == (0.5, 2.0, 3.0)
    with pytest.raises(UserError, match="min_cutoff"):
        from_args(p.parse_args(["--smooth", "--min-cutoff", "0"]))


def test_shared_xy_speed_matches_reference_and_filters_depth_noise() -> None:
    rng = np.random.default_rng(8)
    n = 120
    xy = rng.normal(0, 0.002, (n, 33, 2))
    z = rng.normal(0, 0.05, (n, 33, 1))  # depth much noisier than x, y (as BlazePose's)
    sig = np.concatenate([xy, z], axis=2)
    ts = np.arange(n) / FPS
    shared = OneEuroFilter(0.5, 10.0, 4.0, speed_axes=2)
    per_axis = OneEuroFilter(0.5, 10.0, 4.0)
    out_s = np.array([shared(sig[k], ts[k]) for k in range(n)])
    out_p = np.array([per_axis(sig[k], ts[k]) for k in range(n)])
    z_raw = np.diff(sig[20:, :, 2], axis=0).std()
    assert np.diff(out_s[20:, :, 2], axis=0).std() < 0.5 * np.diff(out_p[20:, :, 2], axis=0).std()
    assert np.diff(out_s[20:, :, 2], axis=0).std() < 0.2 * z_raw

    # reference: one landmark, its cutoff from the x-y speed magnitude, applied to x, y and z
    def alpha(fc: float, dt: float) -> float:
        return 1.0 / (1.0 + 1.0 / (2 * math.pi * fc * dt))

    x_prev, dx_prev = sig[0, 5].copy(), np.zeros(3)
    for k in range(1, n):
        dt = ts[k] - ts[k - 1]
        dx = alpha(4.0, dt) * (sig[k, 5] - x_prev) / dt + (1 - alpha(4.0, dt)) * dx_prev
        a = alpha(0.5 + 10.0 * math.hypot(dx[0], dx[1]), dt)
        x_prev, dx_prev = a * sig[k, 5] + (1 - a) * x_prev, dx
        assert np.allclose(out_s[k, 5], x_prev, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="speed_axes"):
        OneEuroFilter(speed_axes=0)


def test_transforms_from_args_smooth_then_angles() -> None:
    from bridge.angles import with_angles
    from bridge.commands._options import transforms_from_args

    p = argparse.ArgumentParser()
    add_arguments(p)
    p.add_argument("--angles", action="store_true")
    assert transforms_from_args(p.parse_args([])) == []
    got = transforms_from_args(p.parse_args(["--smooth", "--angles"]))
    assert isinstance(got[0], PoseSmoother) and got[1] is with_angles and len(got) == 2
    assert transforms_from_args(argparse.Namespace(smooth=False)) == []  # a command without --angles
