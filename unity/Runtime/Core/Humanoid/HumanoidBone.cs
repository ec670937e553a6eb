using System;
using System.Collections.Generic;
using System.Numerics;

namespace PoseBridge
{
    /// <summary>
    /// The humanoid bones pose-bridge drives, numbered exactly as <c>UnityEngine.HumanBodyBones</c> so the two
    /// cast into each other (the plain C# core cannot reference UnityEngine).
    /// </summary>
    public enum HumanoidBone
    {
        Hips = 0,
        LeftUpperLeg = 1,
        RightUpperLeg = 2,
        LeftLowerLeg = 3,
        RightLowerLeg = 4,
        LeftFoot = 5,
        RightFoot = 6,
        Spine = 7,
        Chest = 8,
        Neck = 9,
        Head = 10,
        LeftShoulder = 11,
        RightShoulder = 12,
        LeftUpperArm = 13,
        RightUpperArm = 14,
        LeftLowerArm = 15,
        RightLowerArm = 16,
        LeftHand = 17,
        RightHand = 18,
        LeftToes = 19,
        RightToes = 20,
        /// <summary>Not driven: it only gives a hand's direction in the rig's rest pose.</summary>
        LeftMiddleProximal = 30,
        /// <summary>Not driven: it only gives a hand's direction in the rig's rest pose.</summary>
        RightMiddleProximal = 45,
        /// <summary>Not in the stream: driven with the Chest's rotation (identity relative to it).</summary>
        UpperChest = 54,
    }

    /// <summary>Groups of bones, for enabling parts of the body separately.</summary>
    [Flags]
    public enum BodyParts
    {
        None = 0,
        /// <summary>Hips (rotation and position), Spine, Chest, UpperChest.</summary>
        Torso = 1,
        /// <summary>Neck and Head.</summary>
        Head = 2,
        LeftArm = 4,
        RightArm = 8,
        LeftLeg = 16,
        RightLeg = 32,
        All = Torso | Head | LeftArm | RightArm | LeftLeg | RightLeg,
    }

    /// <summary>
    /// The normalized humanoid of protocol/SPEC.md §4a: hierarchy, T-pose directions and body parts (the C#
    /// mirror of bridge/humanoid/model.py). Unity axes: x right, y up, z forward; the T-pose faces +z with the
    /// left hand towards −x, and every bone's rotation in it is the identity.
    /// </summary>
    public static class HumanoidSkeleton
    {
        /// <summary>Bones the AvatarDriver sets, parents before children.</summary>
        public static readonly HumanoidBone[] Driven =
        {
            HumanoidBone.Hips, HumanoidBone.Spine, HumanoidBone.Chest, HumanoidBone.UpperChest, HumanoidBone.Neck, HumanoidBone.Head,
            HumanoidBone.LeftShoulder, HumanoidBone.LeftUpperArm, HumanoidBone.LeftLowerArm, HumanoidBone.LeftHand,
            HumanoidBone.RightShoulder, HumanoidBone.RightUpperArm, HumanoidBone.RightLowerArm, HumanoidBone.RightHand,
            HumanoidBone.LeftUpperLeg, HumanoidBone.LeftLowerLeg, HumanoidBone.LeftFoot, HumanoidBone.LeftToes,
            HumanoidBone.RightUpperLeg, HumanoidBone.RightLowerLeg, HumanoidBone.RightFoot, HumanoidBone.RightToes,
        };

        /// <summary>Number of values <see cref="HumanoidBone"/> casts to (<c>HumanBodyBones.LastBone</c>).</summary>
        public const int Count = 55;

        static readonly Dictionary<HumanoidBone, HumanoidBone[]> Ancestors = new Dictionary<HumanoidBone, HumanoidBone[]>
        {
            // Unity's humanoid hierarchy, nearest first; optional bones (Chest, UpperChest, Neck, Shoulders) may be missing.
            { HumanoidBone.Spine, new[] { HumanoidBone.Hips } },
            { HumanoidBone.Chest, new[] { HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.UpperChest, new[] { HumanoidBone.Chest, HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.Neck, new[] { HumanoidBone.UpperChest, HumanoidBone.Chest, HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.Head, new[] { HumanoidBone.Neck, HumanoidBone.UpperChest, HumanoidBone.Chest, HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.LeftShoulder, new[] { HumanoidBone.UpperChest, HumanoidBone.Chest, HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.RightShoulder, new[] { HumanoidBone.UpperChest, HumanoidBone.Chest, HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.LeftUpperArm, new[] { HumanoidBone.LeftShoulder, HumanoidBone.UpperChest, HumanoidBone.Chest, HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.RightUpperArm, new[] { HumanoidBone.RightShoulder, HumanoidBone.UpperChest, HumanoidBone.Chest, HumanoidBone.Spine, HumanoidBone.Hips } },
            { HumanoidBone.LeftLowerArm, new[] { HumanoidBone.LeftUpperArm } },
            { HumanoidBone.RightLowerArm, new[] { HumanoidBone.RightUpperArm } },
            { HumanoidBone.LeftHand, new[] { HumanoidBone.LeftLowerArm } },
            { HumanoidBone.RightHand, new[] { HumanoidBone.RightLowerArm } },
            { HumanoidBone.LeftMiddleProximal, new[] { HumanoidBone.LeftHand } },
            { HumanoidBone.RightMiddleProximal, new[] { HumanoidBone.RightHand } },
            { HumanoidBone.LeftUpperLeg, new[] { HumanoidBone.Hips } },
            { HumanoidBone.RightUpperLeg, new[] { HumanoidBone.Hips } },
            { HumanoidBone.LeftLowerLeg, new[] { HumanoidBone.LeftUpperLeg } },
            { HumanoidBone.RightLowerLeg, new[] { HumanoidBone.RightUpperLeg } },
            { HumanoidBone.LeftFoot, new[] { HumanoidBone.LeftLowerLeg } },
            { HumanoidBone.RightFoot, new[] { HumanoidBone.RightLowerLeg } },
            { HumanoidBone.LeftToes, new[] { HumanoidBone.LeftFoot } },
            { HumanoidBone.RightToes, new[] { HumanoidBone.RightFoot } },
        };

        /// <summary>
        /// The rig's ancestors of <paramref name="bone"/> in Unity's humanoid hierarchy, nearest first (Hips has none).
        /// The first one a rig has is its parent there.
        /// </summary>
        public static HumanoidBone[] AncestorsOf(HumanoidBone bone)
        {
            HumanoidBone[] a;
            return Ancestors.TryGetValue(bone, out a) ? a : new HumanoidBone[0];
        }

        /// <summary>
        /// The parent in the stream's normalized hierarchy (SPEC §4a); false for Hips. UpperChest, which the stream
        /// does not have, hangs from Chest; Neck and the Shoulders hang from Chest whatever the rig has.
        /// </summary>
        public static bool TryGetNormalizedParent(HumanoidBone bone, out HumanoidBone parent)
        {
            switch (bone)
            {
                case HumanoidBone.Hips:
                    parent = HumanoidBone.Hips;
                    return false;
                case HumanoidBone.UpperChest:
                case HumanoidBone.Neck:
                case HumanoidBone.LeftShoulder:
                case HumanoidBone.RightShoulder:
                    parent = HumanoidBone.Chest;
                    return true;
                case HumanoidBone.LeftUpperArm:
                    parent = HumanoidBone.LeftShoulder;
                    return true;
                case HumanoidBone.RightUpperArm:
                    parent = HumanoidBone.RightShoulder;
                    return true;
                default:
                    parent = AncestorsOf(bone)[0];
                    return true;
            }
        }

        /// <summary>The bone for a <c>HumanBodyBones</c> name (case-sensitive); false for unknown names.</summary>
        public static bool TryParse(string name, out HumanoidBone bone)
        {
            bone = HumanoidBone.Hips;
            if (string.IsNullOrEmpty(name) || !char.IsLetter(name[0]))
                return false;
            return Enum.TryParse(name, false, out bone) && Enum.IsDefined(typeof(HumanoidBone), bone);
        }

        /// <summary>The same bone on the other side (itself for centre bones).</summary>
        public static HumanoidBone Mirror(HumanoidBone bone)
        {
            string name = bone.ToString();
            HumanoidBone other;
            if (name.StartsWith("Left", StringComparison.Ordinal) && TryParse("Right" + name.Substring(4), out other))
                return other;
            if (name.StartsWith("Right", StringComparison.Ordinal) && TryParse("Left" + name.Substring(5), out other))
                return other;
            return bone;
        }

        /// <summary>The body part a bone belongs to.</summary>
        public static BodyParts PartOf(HumanoidBone bone)
        {
            switch (bone)
            {
                case HumanoidBone.Hips:
                case HumanoidBone.Spine:
                case HumanoidBone.Chest:
                case HumanoidBone.UpperChest:
                    return BodyParts.Torso;
                case HumanoidBone.Neck:
                case HumanoidBone.Head:
                    return BodyParts.Head;
                case HumanoidBone.LeftShoulder:
                case HumanoidBone.LeftUpperArm:
                case HumanoidBone.LeftLowerArm:
                case HumanoidBone.LeftHand:
                case HumanoidBone.LeftMiddleProximal:
                    return BodyParts.LeftArm;
                case HumanoidBone.RightShoulder:
                case HumanoidBone.RightUpperArm:
                case HumanoidBone.RightLowerArm:
                case HumanoidBone.RightHand:
                case HumanoidBone.RightMiddleProximal:
                    return BodyParts.RightArm;
                case HumanoidBone.LeftUpperLeg:
                case HumanoidBone.LeftLowerLeg:
                case HumanoidBone.LeftFoot:
                case HumanoidBone.LeftToes:
                    return BodyParts.LeftLeg;
                default:
                    return BodyParts.RightLeg;
            }
        }

        static readonly Vector3 Up = new Vector3(0, 1, 0);
        static readonly Vector3 Down = new Vector3(0, -1, 0);
        static readonly Vector3 Left = new Vector3(-1, 0, 0);
        static readonly Vector3 Right = new Vector3(1, 0, 0);

        /// <summary>
        /// The T-pose direction of a bone and the rig bones (first present wins) its rest direction points to.
        /// False for bones whose rest pose is taken from the rig as it is: Hips, Head, Feet and Toes (a rig's
        /// T-pose stands flat-footed and looks ahead; those bones have no child along their length to measure).
        /// </summary>
        public static bool TryGetDirection(HumanoidBone bone, out Vector3 direction, out HumanoidBone[] towards)
        {
            direction = Vector3.Zero;
            towards = null;
            switch (bone)
            {
                case HumanoidBone.Spine:
                    direction = Up;
                    towards = new[] { HumanoidBone.Chest, HumanoidBone.UpperChest, HumanoidBone.Neck, HumanoidBone.Head };
                    break;
                case HumanoidBone.Chest:
                    direction = Up;
                    towards = new[] { HumanoidBone.UpperChest, HumanoidBone.Neck, HumanoidBone.Head };
                    break;
                case HumanoidBone.UpperChest:
                    direction = Up;
                    towards = new[] { HumanoidBone.Neck, HumanoidBone.Head };
                    break;
                case HumanoidBone.Neck:
                    direction = Up;
                    towards = new[] { HumanoidBone.Head };
                    break;
                case HumanoidBone.LeftShoulder:
                    direction = Left;
                    towards = new[] { HumanoidBone.LeftUpperArm };
                    break;
                case HumanoidBone.LeftUpperArm:
                    direction = Left;
                    towards = new[] { HumanoidBone.LeftLowerArm };
                    break;
                case HumanoidBone.LeftLowerArm:
                    direction = Left;
                    towards = new[] { HumanoidBone.LeftHand };
                    break;
                case HumanoidBone.LeftHand:
                    direction = Left;
                    towards = new[] { HumanoidBone.LeftMiddleProximal };
                    break;
                case HumanoidBone.RightShoulder:
                    direction = Right;
                    towards = new[] { HumanoidBone.RightUpperArm };
                    break;
                case HumanoidBone.RightUpperArm:
                    direction = Right;
                    towards = new[] { HumanoidBone.RightLowerArm };
                    break;
                case HumanoidBone.RightLowerArm:
                    direction = Right;
                    towards = new[] { HumanoidBone.RightHand };
                    break;
                case HumanoidBone.RightHand:
                    direction = Right;
                    towards = new[] { HumanoidBone.RightMiddleProximal };
                    break;
                case HumanoidBone.LeftUpperLeg:
                    direction = Down;
                    towards = new[] { HumanoidBone.LeftLowerLeg };
                    break;
                case HumanoidBone.LeftLowerLeg:
                    direction = Down;
                    towards = new[] { HumanoidBone.LeftFoot };
                    break;
                case HumanoidBone.RightUpperLeg:
                    direction = Down;
                    towards = new[] { HumanoidBone.RightLowerLeg };
                    break;
                case HumanoidBone.RightLowerLeg:
                    direction = Down;
                    towards = new[] { HumanoidBone.RightFoot };
                    break;
                default:
                    return false;
            }
            return true;
        }
    }
}
