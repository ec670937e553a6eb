using System;
using System.Collections.Generic;
using System.Numerics;

namespace PoseBridge
{
    /// <summary>
    /// The humanoid bones pose-bridge drives, numbered exactly as <c>UnityEngine.HumanBodyBones</c> so the two
    /// cast into each other (the plain C# core cannot reference UnityEngine).
    /// </summary>
    public enum HumanBone
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
        public static readonly HumanBone[] Driven =
        {
            HumanBone.Hips, HumanBone.Spine, HumanBone.Chest, HumanBone.UpperChest, HumanBone.Neck, HumanBone.Head,
            HumanBone.LeftShoulder, HumanBone.LeftUpperArm, HumanBone.LeftLowerArm, HumanBone.LeftHand,
            HumanBone.RightShoulder, HumanBone.RightUpperArm, HumanBone.RightLowerArm, HumanBone.RightHand,
            HumanBone.LeftUpperLeg, HumanBone.LeftLowerLeg, HumanBone.LeftFoot, HumanBone.LeftToes,
            HumanBone.RightUpperLeg, HumanBone.RightLowerLeg, HumanBone.RightFoot, HumanBone.RightToes,
        };

        /// <summary>Number of values <see cref="HumanBone"/> casts to (<c>HumanBodyBones.LastBone</c>).</summary>
        public const int Count = 55;

        static readonly Dictionary<HumanBone, HumanBone[]> Ancestors = new Dictionary<HumanBone, HumanBone[]>
        {
            // Unity's humanoid hierarchy, nearest first; optional bones (Chest, UpperChest, Neck, Shoulders) may be missing.
            { HumanBone.Spine, new[] { HumanBone.Hips } },
            { HumanBone.Chest, new[] { HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.UpperChest, new[] { HumanBone.Chest, HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.Neck, new[] { HumanBone.UpperChest, HumanBone.Chest, HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.Head, new[] { HumanBone.Neck, HumanBone.UpperChest, HumanBone.Chest, HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.LeftShoulder, new[] { HumanBone.UpperChest, HumanBone.Chest, HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.RightShoulder, new[] { HumanBone.UpperChest, HumanBone.Chest, HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.LeftUpperArm, new[] { HumanBone.LeftShoulder, HumanBone.UpperChest, HumanBone.Chest, HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.RightUpperArm, new[] { HumanBone.RightShoulder, HumanBone.UpperChest, HumanBone.Chest, HumanBone.Spine, HumanBone.Hips } },
            { HumanBone.LeftLowerArm, new[] { HumanBone.LeftUpperArm } },
            { HumanBone.RightLowerArm, new[] { HumanBone.RightUpperArm } },
            { HumanBone.LeftHand, new[] { HumanBone.LeftLowerArm } },
            { HumanBone.RightHand, new[] { HumanBone.RightLowerArm } },
            { HumanBone.LeftMiddleProximal, new[] { HumanBone.LeftHand } },
            { HumanBone.RightMiddleProximal, new[] { HumanBone.RightHand } },
            { HumanBone.LeftUpperLeg, new[] { HumanBone.Hips } },
            { HumanBone.RightUpperLeg, new[] { HumanBone.Hips } },
            { HumanBone.LeftLowerLeg, new[] { HumanBone.LeftUpperLeg } },
            { HumanBone.RightLowerLeg, new[] { HumanBone.RightUpperLeg } },
            { HumanBone.LeftFoot, new[] { HumanBone.LeftLowerLeg } },
            { HumanBone.RightFoot, new[] { HumanBone.RightLowerLeg } },
            { HumanBone.LeftToes, new[] { HumanBone.LeftFoot } },
            { HumanBone.RightToes, new[] { HumanBone.RightFoot } },
        };

        /// <summary>
        /// The rig's ancestors of <paramref name="bone"/> in Unity's humanoid hierarchy, nearest first (Hips has none).
        /// The first one a rig has is its parent there.
        /// </summary>
        public static HumanBone[] AncestorsOf(HumanBone bone)
        {
            HumanBone[] a;
            return Ancestors.TryGetValue(bone, out a) ? a : new HumanBone[0];
        }

        /// <summary>
        /// The parent in the stream's normalized hierarchy (SPEC §4a); false for Hips. UpperChest, which the stream
        /// does not have, hangs from Chest; Neck and the Shoulders hang from Chest whatever the rig has.
        /// </summary>
        public static bool TryGetNormalizedParent(HumanBone bone, out HumanBone parent)
        {
            switch (bone)
            {
                case HumanBone.Hips:
                    parent = HumanBone.Hips;
                    return false;
                case HumanBone.UpperChest:
                case HumanBone.Neck:
                case HumanBone.LeftShoulder:
                case HumanBone.RightShoulder:
                    parent = HumanBone.Chest;
                    return true;
                case HumanBone.LeftUpperArm:
                    parent = HumanBone.LeftShoulder;
                    return true;
                case HumanBone.RightUpperArm:
                    parent = HumanBone.RightShoulder;
                    return true;
                default:
                    parent = AncestorsOf(bone)[0];
                    return true;
            }
        }

        /// <summary>The bone for a <c>HumanBodyBones</c> name (case-sensitive); false for unknown names.</summary>
        public static bool TryParse(string name, out HumanBone bone)
        {
            bone = HumanBone.Hips;
            if (string.IsNullOrEmpty(name) || !char.IsLetter(name[0]))
                return false;
            return Enum.TryParse(name, false, out bone) && Enum.IsDefined(typeof(HumanBone), bone);
        }

        /// <summary>The same bone on the other side (itself for centre bones).</summary>
        public static HumanBone Mirror(HumanBone bone)
        {
            string name = bone.ToString();
            HumanBone other;
            if (name.StartsWith("Left", StringComparison.Ordinal) && TryParse("Right" + name.Substring(4), out other))
                return other;
            if (name.StartsWith("Right", StringComparison.Ordinal) && TryParse("Left" + name.Substring(5), out other))
                return other;
            return bone;
        }

        /// <summary>The body part a bone belongs to.</summary>
        public static BodyParts PartOf(HumanBone bone)
        {
            switch (bone)
            {
                case HumanBone.Hips:
                case HumanBone.Spine:
                case HumanBone.Chest:
                case HumanBone.UpperChest:
                    return BodyParts.Torso;
                case HumanBone.Neck:
                case HumanBone.Head:
                    return BodyParts.Head;
                case HumanBone.LeftShoulder:
                case HumanBone.LeftUpperArm:
                case HumanBone.LeftLowerArm:
                case HumanBone.LeftHand:
                case HumanBone.LeftMiddleProximal:
                    return BodyParts.LeftArm;
                case HumanBone.RightShoulder:
                case HumanBone.RightUpperArm:
                case HumanBone.RightLowerArm:
                case HumanBone.RightHand:
                case HumanBone.RightMiddleProximal:
                    return BodyParts.RightArm;
                case HumanBone.LeftUpperLeg:
                case HumanBone.LeftLowerLeg:
                case HumanBone.LeftFoot:
                case HumanBone.LeftToes:
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
        public static bool TryGetDirection(HumanBone bone, out Vector3 direction, out HumanBone[] towards)
        {
            direction = Vector3.Zero;
            towards = null;
            switch (bone)
            {
                case HumanBone.Spine:
                    direction = Up;
                    towards = new[] { HumanBone.Chest, HumanBone.UpperChest, HumanBone.Neck, HumanBone.Head };
                    break;
                case HumanBone.Chest:
                    direction = Up;
                    towards = new[] { HumanBone.UpperChest, HumanBone.Neck, HumanBone.Head };
                    break;
                case HumanBone.UpperChest:
                    direction = Up;
                    towards = new[] { HumanBone.Neck, HumanBone.Head };
                    break;
                case HumanBone.Neck:
                    direction = Up;
                    towards = new[] { HumanBone.Head };
                    break;
                case HumanBone.LeftShoulder:
                    direction = Left;
                    towards = new[] { HumanBone.LeftUpperArm };
                    break;
                case HumanBone.LeftUpperArm:
                    direction = Left;
                    towards = new[] { HumanBone.LeftLowerArm };
                    break;
                case HumanBone.LeftLowerArm:
                    direction = Left;
                    towards = new[] { HumanBone.LeftHand };
                    break;
                case HumanBone.LeftHand:
                    direction = Left;
                    towards = new[] { HumanBone.LeftMiddleProximal };
                    break;
                case HumanBone.RightShoulder:
                    direction = Right;
                    towards = new[] { HumanBone.RightUpperArm };
                    break;
                case HumanBone.RightUpperArm:
                    direction = Right;
                    towards = new[] { HumanBone.RightLowerArm };
                    break;
                case HumanBone.RightLowerArm:
                    direction = Right;
                    towards = new[] { HumanBone.RightHand };
                    break;
                case HumanBone.RightHand:
                    direction = Right;
                    towards = new[] { HumanBone.RightMiddleProximal };
                    break;
                case HumanBone.LeftUpperLeg:
                    direction = Down;
                    towards = new[] { HumanBone.LeftLowerLeg };
                    break;
                case HumanBone.LeftLowerLeg:
                    direction = Down;
                    towards = new[] { HumanBone.LeftFoot };
                    break;
                case HumanBone.RightUpperLeg:
                    direction = Down;
                    towards = new[] { HumanBone.RightLowerLeg };
                    break;
                case HumanBone.RightLowerLeg:
                    direction = Down;
                    towards = new[] { HumanBone.RightFoot };
                    break;
                default:
                    return false;
            }
            return true;
        }
    }
}
