// Compile-only stub of UnityEngine (see README.md): what the recorders (GroundTruthRecorder, CameraSweep) use —
// Animator and HumanBodyBones, off-screen camera capture, coroutine yields, Time.captureFramerate.
namespace UnityEngine
{
    public enum HumanBodyBones
    {
        Hips = 0, LeftUpperLeg = 1, RightUpperLeg = 2, LeftLowerLeg = 3, RightLowerLeg = 4, LeftFoot = 5, RightFoot = 6,
        Spine = 7, Chest = 8, Neck = 9, Head = 10, LeftShoulder = 11, RightShoulder = 12, LeftUpperArm = 13,
        RightUpperArm = 14, LeftLowerArm = 15, RightLowerArm = 16, LeftHand = 17, RightHand = 18, LeftToes = 19,
        RightToes = 20, LeftEye = 21, RightEye = 22, Jaw = 23,
        LeftThumbProximal = 24, LeftThumbIntermediate = 25, LeftThumbDistal = 26,
        LeftIndexProximal = 27, LeftIndexIntermediate = 28, LeftIndexDistal = 29,
        LeftMiddleProximal = 30, LeftMiddleIntermediate = 31, LeftMiddleDistal = 32,
        LeftRingProximal = 33, LeftRingIntermediate = 34, LeftRingDistal = 35,
        LeftLittleProximal = 36, LeftLittleIntermediate = 37, LeftLittleDistal = 38,
        RightThumbProximal = 39, RightThumbIntermediate = 40, RightThumbDistal = 41,
        RightIndexProximal = 42, RightIndexIntermediate = 43, RightIndexDistal = 44,
        RightMiddleProximal = 45, RightMiddleIntermediate = 46, RightMiddleDistal = 47,
        RightRingProximal = 48, RightRingIntermediate = 49, RightRingDistal = 50,
        RightLittleProximal = 51, RightLittleIntermediate = 52, RightLittleDistal = 53,
        UpperChest = 54, LastBone = 55,
    }

    public partial struct AnimatorStateInfo
    {
        public int fullPathHash { get { return 0; } }
        public int shortNameHash { get { return 0; } }
        public float normalizedTime { get { return 0f; } }
    }

    public partial class Animator : Behaviour
    {
        public bool isHuman { get { return false; } }
        public float speed { get; set; }
        public Transform GetBoneTransform(HumanBodyBones humanBoneId) { return null; }
        public AnimatorStateInfo GetCurrentAnimatorStateInfo(int layerIndex) { return default(AnimatorStateInfo); }
        public void Play(int stateNameHash, int layer, float normalizedTime) { }
        public void Play(string stateName, int layer, float normalizedTime) { }
        public void Update(float deltaTime) { }
    }

    public partial class Texture : Object
    {
        public virtual int width { get; set; }
        public virtual int height { get; set; }
    }

    public enum TextureFormat { Alpha8 = 1, RGB24 = 3, RGBA32 = 4, ARGB32 = 5 }

    public sealed partial class Texture2D : Texture
    {
        public Texture2D(int width, int height) { }
        public Texture2D(int width, int height, TextureFormat textureFormat, bool mipChain) { }
        public void ReadPixels(Rect source, int destX, int destY) { }
        public void Apply() { }
    }

    public partial class RenderTexture : Texture
    {
        public RenderTexture(int width, int height, int depth) { }
        public static RenderTexture active { get; set; }
        public void Release() { }
    }

    public static partial class ImageConversion
    {
        public static byte[] EncodeToPNG(Texture2D tex) { return new byte[0]; }
    }

    public partial class Camera
    {
        public RenderTexture targetTexture { get; set; }
        public void Render() { }
    }

    public partial class YieldInstruction { }

    public sealed partial class WaitForEndOfFrame : YieldInstruction { }

    public static partial class Time
    {
        public static int captureFramerate { get; set; }
    }
}
