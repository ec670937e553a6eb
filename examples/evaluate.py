"""Evaluate a recording against a ground truth from Python, and show where BlazePose is worst.

    pose-bridge extract walk.mp4 -o walk.jsonl          # predictions (world landmarks)
    python examples/evaluate.py walk.jsonl truth.txt    # truth.txt from Unity's GroundTruthRecorder

The same numbers as ``pose-bridge evaluate walk.jsonl truth.txt``; the API gives you the arrays
behind them (per frame, per joint, the aligned skeletons) for your own analysis.
"""

from __future__ import annotations

import argparse

import numpy as np

from bridge.errors import UserError
from bridge.evaluation import default_joint_map, evaluate, skeletons_from_poses
from bridge.evaluation.loading import iter_poses, read_truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prediction", help="recording with world landmarks (.jsonl, .txt, .csv)")
    parser.add_argument("truth", help="ground-truth txt from Unity (or any recording)")
    args = parser.parse_args()

    # Resolve the joint correspondence against the bones in the truth file, then read the prediction's joints.
    truth, joints = read_truth(args.truth, default_joint_map())
    prediction = skeletons_from_poses(iter_poses(args.prediction), joints.landmarks, args.prediction)
    ev = evaluate(prediction, truth, joints)

    print(f"{ev.count} frames evaluated; excluded: {ev.missing.describe()}")
    print(f"MPJPE {ev.mpjpe * 1000:.1f} mm, PA-MPJPE {ev.pa_mpjpe * 1000:.1f} mm over {len(ev.summary)} joints\n")
    print("joints, worst first (PA-MPJPE, mm):")
    for name, m in sorted(ev.per_joint().items(), key=lambda kv: -np.nan_to_num(kv[1]["pa_mpjpe"])):
        print(f"  {name:<16}{m['pa_mpjpe'] * 1000:8.1f}")
    if ev.count:
        worst = int(np.argmax(ev.per_frame_pa_mpjpe))
        print(f"\nworst frame: {int(ev.frames[worst])} (PA-MPJPE {ev.per_frame_pa_mpjpe[worst] * 1000:.1f} mm)")


if __name__ == "__main__":
    try:
        main()
    except UserError as exc:  # a missing file, no common frames, an unmapped bone...
        raise SystemExit(f"error: {exc}") from None
