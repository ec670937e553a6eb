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
        // The finger bones (protocol/SPEC.md §4c: serve --avatar --hands). LeftMiddleProximal and RightMiddleProximal
        // also give a hand's direction in the rig's rest pose, whether or not the stream drives fingers.
        LeftThumbProximal = 24,
        LeftThumbIntermediate = 25,
        LeftThumbDistal = 26,
        LeftIndexProximal = 27,
        LeftIndexIntermediate = 28,
        LeftIndexDistal = 29,
        LeftMiddleProximal = 30,
        LeftMiddleIntermediate = 31,
        LeftMiddleDistal = 32,
        LeftRingProximal = 33,
        LeftRingIntermediate = 34,
        LeftRingDistal = 35,
        LeftLittleProximal = 36,
        LeftLittleIntermediate = 37,
        LeftLittleDistal = 38,
        RightThumbProximal = 39,
        RightThumbIntermediate = 40,
        RightThumbDistal = 41,
        RightIndexProximal = 42,
        RightIndexIntermediate = 43,
        RightIndexDistal = 44,
        RightMiddleProximal = 45,
        RightMiddleIntermediate = 46,
        RightMiddleDistal = 47,
        RightRingProximal = 48,
        RightRingIntermediate = 49,
        RightRingDistal = 50,
        RightLittleProximal = 51,
        RightLittleIntermediate = 52,
        RightLittleDistal = 53,
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
        /// <summary>The finger bones of both hands (driven only while the stream sends them: serve --avatar --hands).</summary>
        Fingers = 64,
        All = Torso | Head | LeftArm | RightArm | LeftLeg | RightLeg | Fingers,
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

        /// <summary>
        /// The 30 finger bones, in the stream's order (bridge/skeleton.py FINGER_BONES): left hand then right; Thumb,
        /// Index, Middle, Ring, Little; Proximal, Intermediate, Distal. Driven only while the stream sends them.
        /// </summary>
        public static readonly HumanoidBone[] Fingers =
        {
            HumanoidBone.LeftThumbProximal, HumanoidBone.LeftThumbIntermediate, HumanoidBone.LeftThumbDistal,
            HumanoidBone.LeftIndexProximal, HumanoidBone.LeftIndexIntermediate, HumanoidBone.LeftIndexDistal,
            HumanoidBone.LeftMiddleProximal, HumanoidBone.LeftMiddleIntermediate, HumanoidBone.LeftMiddleDistal,
            HumanoidBone.LeftRingProximal, HumanoidBone.LeftRingIntermediate, HumanoidBone.LeftRingDistal,
            HumanoidBone.LeftLittleProximal, HumanoidBone.LeftLittleIntermediate, HumanoidBone.LeftLittleDistal,
            HumanoidBone.RightThumbProximal, HumanoidBone.RightThumbIntermediate, HumanoidBone.RightThumbDistal,
            HumanoidBone.RightIndexProximal, HumanoidBone.RightIndexIntermediate, HumanoidBone.RightIndexDistal,
            HumanoidBone.RightMiddleProximal, HumanoidBone.RightMiddleIntermediate, HumanoidBone.RightMiddleDistal,
            HumanoidBone.RightRingProximal, HumanoidBone.RightRingIntermediate, HumanoidBone.RightRingDistal,
            HumanoidBone.RightLittleProximal, HumanoidBone.RightLittleIntermediate, HumanoidBone.RightLittleDistal,
        };

        /// <summary>Whether <paramref name="bone"/> is a finger bone.</summary>
        public static bool IsFinger(HumanoidBone bone)
        {
            return (int)bone >= (int)HumanoidBone.LeftThumbProximal && (int)bone <= (int)HumanoidBone.RightLittleDistal;
        }

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
            { HumanoidBone.LeftThumbProximal, new[] { HumanoidBone.LeftHand } },
            { HumanoidBone.LeftThumbIntermediate, new[] { HumanoidBone.LeftThumbProximal } },
            { HumanoidBone.LeftThumbDistal, new[] { HumanoidBone.LeftThumbIntermediate } },
            { HumanoidBone.LeftIndexProximal, new[] { HumanoidBone.LeftHand } },
            { HumanoidBone.LeftIndexIntermediate, new[] { HumanoidBone.LeftIndexProximal } },
            { HumanoidBone.LeftIndexDistal, new[] { HumanoidBone.LeftIndexIntermediate } },
            { HumanoidBone.LeftMiddleProximal, new[] { HumanoidBone.LeftHand } },
            { HumanoidBone.LeftMiddleIntermediate, new[] { HumanoidBone.LeftMiddleProximal } },
            { HumanoidBone.LeftMiddleDistal, new[] { HumanoidBone.LeftMiddleIntermediate } },
            { HumanoidBone.LeftRingProximal, new[] { HumanoidBone.LeftHand } },
            { HumanoidBone.LeftRingIntermediate, new[] { HumanoidBone.LeftRingProximal } },
            { HumanoidBone.LeftRingDistal, new[] { HumanoidBone.LeftRingIntermediate } },
            { HumanoidBone.LeftLittleProximal, new[] { HumanoidBone.LeftHand } },
            { HumanoidBone.LeftLittleIntermediate, new[] { HumanoidBone.LeftLittleProximal } },
            { HumanoidBone.LeftLittleDistal, new[] { HumanoidBone.LeftLittleIntermediate } },
            { HumanoidBone.RightThumbProximal, new[] { HumanoidBone.RightHand } },
            { HumanoidBone.RightThumbIntermediate, new[] { HumanoidBone.RightThumbProximal } },
            { HumanoidBone.RightThumbDistal, new[] { HumanoidBone.RightThumbIntermediate } },
            { HumanoidBone.RightIndexProximal, new[] { HumanoidBone.RightHand } },
            { HumanoidBone.RightIndexIntermediate, new[] { HumanoidBone.RightIndexProximal } },
            { HumanoidBone.RightIndexDistal, new[] { HumanoidBone.RightIndexIntermediate } },
            { HumanoidBone.RightMiddleProximal, new[] { HumanoidBone.RightHand } },
            { HumanoidBone.RightMiddleIntermediate, new[] { HumanoidBone.RightMiddleProximal } },
            { HumanoidBone.RightMiddleDistal, new[] { HumanoidBone.RightMiddleIntermediate } },
            { HumanoidBone.RightRingProximal, new[] { HumanoidBone.RightHand } },
            { HumanoidBone.RightRingIntermediate, new[] { HumanoidBone.RightRingProximal } },
            { HumanoidBone.RightRingDistal, new[] { HumanoidBone.RightRingIntermediate } },
            { HumanoidBone.RightLittleProximal, new[] { HumanoidBone.RightHand } },
            { HumanoidBone.RightLittleIntermediate, new[] { HumanoidBone.RightLittleProximal } },
            { HumanoidBone.RightLittleDistal, new[] { HumanoidBone.RightLittleIntermediate } },
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
                    return BodyParts.LeftArm;
                case HumanoidBone.RightShoulder:
                case HumanoidBone.RightUpperArm:
                case HumanoidBone.RightLowerArm:
                case HumanoidBone.RightHand:
                    return BodyParts.RightArm;
                case HumanoidBone.LeftUpperLeg:
                case HumanoidBone.LeftLowerLeg:
                case HumanoidBone.LeftFoot:
                case HumanoidBone.LeftToes:
                    return BodyParts.LeftLeg;
                default:
                    return IsFinger(bone) ? BodyParts.Fingers : BodyParts.RightLeg;
            }
        }

        static readonly Vector3 Up = new Vector3(0, 1, 0);
        static readonly Vector3 Down = new Vector3(0, -1, 0);
        static readonly Vector3 Left = new Vector3(-1, 0, 0);
        static readonly Vector3 Right = new Vector3(1, 0, 0);
        // The rest hand's thumb (bridge/humanoid/fingers.py): forward and out, a little down; the right one mirrored.
        static readonly Vector3 LeftThumb = Vector3.Normalize(new Vector3(-0.6f, -0.15f, 0.78f));
        static readonly Vector3 RightThumb = Vector3.Normalize(new Vector3(0.6f, -0.15f, 0.78f));

        /// <summary>
        /// A finger bone's T-pose direction (along the arm; the thumb forward and out) and the bone it points to.
        /// False for Distal bones (no child in the humanoid) and for other bones.
        /// </summary>
        static bool TryGetFingerDirection(HumanoidBone bone, out Vector3 direction, out HumanoidBone[] towards)
        {
            direction = Vector3.Zero;
            towards = null;
            if (!IsFinger(bone))
                return false;
            int k = ((int)bone - (int)HumanoidBone.LeftThumbProximal) % 15;
            bool left = (int)bone <= (int)HumanoidBone.LeftLittleDistal;
            if (k % 3 == 2)
                return false;
            direction = k < 3 ? (left ? LeftThumb : RightThumb) : (left ? Left : Right);
            towards = new[] { (HumanoidBone)((int)bone + 1) };
            return true;
        }

        /// <summary>
        /// The T-pose direction of a bone and the rig bones (first present wins) its rest direction points to.
        /// False for bones whose rest pose is taken from the rig as it is: Hips, Head, Feet and Toes (a rig's
        /// T-pose stands flat-footed and looks ahead; those bones have no child along their length to measure).
        /// </summary>
        public static bool TryGetDirection(HumanoidBone bone, out Vector3 direction, out HumanoidBone[] towards)
        {
            direction = Vector3.Zero;
            towards = null;
            if (IsFinger(bone))
                return TryGetFingerDirection(bone, out direction, out towards);
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
