using System;
using System.Collections.Generic;

namespace PoseBridge
{
    /// <summary>The Mixamo rig's bone hierarchy (child, parent), to draw ground-truth skeletons.</summary>
    public static class MixamoRig
    {
        public static readonly string[][] Bones =
        {
            new[] { "Spine", "Hips" }, new[] { "Spine1", "Spine" }, new[] { "Spine2", "Spine1" },
            new[] { "Neck", "Spine2" }, new[] { "Head", "Neck" }, new[] { "HeadTop_End", "Head" },
            new[] { "LeftShoulder", "Spine2" }, new[] { "LeftArm", "LeftShoulder" }, new[] { "LeftForeArm", "LeftArm" },
            new[] { "LeftHand", "LeftForeArm" }, new[] { "RightShoulder", "Spine2" }, new[] { "RightArm", "RightShoulder" },
            new[] { "RightForeArm", "RightArm" }, new[] { "RightHand", "RightForeArm" }, new[] { "LeftUpLeg", "Hips" },
            new[] { "LeftLeg", "LeftUpLeg" }, new[] { "LeftFoot", "LeftLeg" }, new[] { "LeftToeBase", "LeftFoot" },
            new[] { "LeftToe_End", "LeftToeBase" }, new[] { "RightUpLeg", "Hips" }, new[] { "RightLeg", "RightUpLeg" },
            new[] { "RightFoot", "RightLeg" }, new[] { "RightToeBase", "RightFoot" }, new[] { "RightToe_End", "RightToeBase" },
        };

        /// <summary>A joint name without its rig prefix: <c>mixamorig2:LeftArm</c> → <c>LeftArm</c>.</summary>
        public static string StripPrefix(string name)
        {
            int colon = name.LastIndexOf(':');
            return colon < 0 ? name : name.Substring(colon + 1);
        }

        /// <summary>Bones as (from, to) slot pairs among <paramref name="jointNames"/> (both ends present).</summary>
        public static int[][] BonesFor(IList<string> jointNames)
        {
            var slot = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < jointNames.Count; i++)
                slot[StripPrefix(jointNames[i])] = i;
            var result = new List<int[]>();
            foreach (string[] bone in Bones)
            {
                int a, b;
                if (slot.TryGetValue(bone[1], out a) && slot.TryGetValue(bone[0], out b))
                    result.Add(new[] { a, b });
            }
            return result.ToArray();
        }
    }
}
