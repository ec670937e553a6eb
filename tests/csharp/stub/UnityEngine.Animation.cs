// Compile-only stub of UnityEngine (see README.md): the Humanoid Avatar API that AvatarDriver and the Avatar
// sample use, with the declarations of Unity's reference source (Modules/Animation/ScriptBindings/Avatar.bindings.cs,
// AvatarBuilder.bindings.cs, Animator.bindings.cs).
using System;

namespace UnityEngine
{
    public partial class Animator
    {
        public Avatar avatar { get; set; }
        public bool applyRootMotion { get; set; }
    }

    public partial class Avatar : Object
    {
        private Avatar() { }
        public bool isValid { get { return false; } }
        public bool isHuman { get { return false; } }
        public HumanDescription humanDescription { get { return default(HumanDescription); } }
    }

    public partial struct SkeletonBone
    {
        public string name;
        internal string parentName;
        public Vector3 position;
        public Quaternion rotation;
        public Vector3 scale;

        [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
        [Obsolete("transformModified is no longer used and has been deprecated.", true)]
        public int transformModified { get { return 0; } set { } }
    }

    public partial struct HumanLimit
    {
        public bool useDefaultValues { get; set; }
        public Vector3 min { get; set; }
        public Vector3 max { get; set; }
        public Vector3 center { get; set; }
        public float axisLength { get; set; }
    }

    public partial struct HumanBone
    {
        public HumanLimit limit;
        public string boneName { get; set; }
        public string humanName { get; set; }
    }

    public partial struct HumanDescription
    {
        public HumanBone[] human;
        public SkeletonBone[] skeleton;
        public float upperArmTwist { get; set; }
        public float lowerArmTwist { get; set; }
        public float upperLegTwist { get; set; }
        public float lowerLegTwist { get; set; }
        public float armStretch { get; set; }
        public float legStretch { get; set; }
        public float feetSpacing { get; set; }
        public bool hasTranslationDoF { get; set; }
    }

    public partial class AvatarBuilder
    {
        public static Avatar BuildHumanAvatar(GameObject go, HumanDescription humanDescription) { return null; }
        public static Avatar BuildGenericAvatar(GameObject go, string rootMotionTransformName) { return null; }
    }

    public partial struct Quaternion
    {
        public static Quaternion Inverse(Quaternion rotation) { return rotation; }
    }
}
