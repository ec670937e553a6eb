using System;

namespace PoseBridge
{
    /// <summary>The follow camera's maths: frame-rate independent exponential catch-up. Pure functions.</summary>
    public static class FollowMath
    {
        /// <summary>
        /// The fraction of the remaining distance to cover in a frame of <paramref name="deltaTime"/> seconds
        /// at <paramref name="rate"/> (1/s): 1 − e^(−rate·dt), so two frames of dt/2 cover what one of dt does.
        /// A rate of 0 or less (or NaN) means no smoothing: 1. A dt of 0 or less (a paused game): 0.
        /// </summary>
        public static double CatchUp(double rate, double deltaTime)
        {
            if (!(rate > 0))
                return 1;
            if (!(deltaTime > 0))
                return 0;
            return 1 - Math.Exp(-rate * deltaTime);
        }

        /// <summary>
        /// The joints whose midpoint is a skeleton's hip centre: BlazePose's <c>left_hip</c> and <c>right_hip</c>;
        /// else a rig's <c>Hips</c> joint (any prefix, <c>mixamorig2:Hips</c>) as both. False when there is neither.
        /// </summary>
        public static bool TryFindHips(Topology topology, out int left, out int right)
        {
            left = right = -1;
            if (topology == null)
                return false;
            left = Array.IndexOf(topology.Landmarks, "left_hip");
            right = Array.IndexOf(topology.Landmarks, "right_hip");
            if (left >= 0 && right >= 0)
                return true;
            for (int i = 0; i < topology.Landmarks.Length; i++)
            {
                if (MixamoRig.StripPrefix(topology.Landmarks[i]) == "Hips")
                {
                    left = right = i;
                    return true;
                }
            }
            left = right = -1;
            return false;
        }

        /// <summary>
        /// The camera's next position: from <paramref name="current"/> towards <paramref name="hips"/> +
        /// <paramref name="offset"/> by <see cref="CatchUp"/>.
        /// </summary>
        public static Vec3 Step(Vec3 current, Vec3 hips, Vec3 offset, double rate, double deltaTime)
        {
            double k = CatchUp(rate, deltaTime);
            Vec3 target = hips + offset;
            return current + (target - current) * k;
        }
    }
}
