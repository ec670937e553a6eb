using System.Collections.Generic;
using UnityEngine;

namespace PoseBridge.Samples
{
    /// <summary>
    /// Builds a humanoid character out of primitives (no third-party assets), gives it a Humanoid Avatar made at
    /// run time with <see cref="AvatarBuilder"/>, and an <see cref="AvatarDriver"/> that makes it follow
    /// <c>pose-bridge serve --avatar</c>. Put it on any GameObject of an empty scene (with the Live Skeleton sample's
    /// setup, or alone) and press Play.
    /// </summary>
    /// <remarks>
    /// The character stands beside the skeleton <see cref="Show_Skeleton"/> draws (which it shares a connection
    /// with). The same steps work for a real character: an FBX imported with Rig → Animation Type: Humanoid already
    /// has its Animator and Avatar; add <see cref="AvatarDriver"/> to it.
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Samples/Primitive Avatar Setup")]
    public sealed class PrimitiveAvatarSetup : MonoBehaviour
    {
        [Tooltip("Where the character stands (Show_Skeleton draws the skeleton around (0, 1, 0)).")]
        [SerializeField] Vector3 _position = new Vector3(1.2f, 0f, 0f);

        [Tooltip("Put Show_Skeleton on the Main Camera when it has none; the character then shares its connection.")]
        [SerializeField] bool _showSkeleton = true;

        [Tooltip("Mirror the person (a selfie view).")]
        [SerializeField] bool _mirror;

        [SerializeField] Color _leftColor = new Color(1.00f, 0.55f, 0.10f);
        [SerializeField] Color _rightColor = new Color(0.10f, 0.64f, 1.00f);
        [SerializeField] Color _centerColor = new Color(0.80f, 0.80f, 0.80f);

        // Bone name, parent, joint position in the T-pose relative to the character's feet (meters), Humanoid bone.
        struct Bone
        {
            public string Name, Parent;
            public Vector3 Position;
            public HumanBodyBones Human;
            public Bone(string name, string parent, float x, float y, float z, HumanBodyBones human)
            {
                Name = name; Parent = parent; Position = new Vector3(x, y, z); Human = human;
            }
        }

        static readonly Bone[] Bones =
        {
            new Bone("Hips", null, 0f, 0.95f, 0f, HumanBodyBones.Hips),
            new Bone("Spine", "Hips", 0f, 1.05f, 0f, HumanBodyBones.Spine),
            new Bone("Chest", "Spine", 0f, 1.20f, 0f, HumanBodyBones.Chest),
            new Bone("Neck", "Chest", 0f, 1.45f, 0f, HumanBodyBones.Neck),
            new Bone("Head", "Neck", 0f, 1.55f, 0f, HumanBodyBones.Head),
            new Bone("LeftShoulder", "Chest", -0.03f, 1.41f, 0f, HumanBodyBones.LeftShoulder),
            new Bone("LeftUpperArm", "LeftShoulder", -0.18f, 1.45f, 0f, HumanBodyBones.LeftUpperArm),
            new Bone("LeftLowerArm", "LeftUpperArm", -0.46f, 1.45f, 0f, HumanBodyBones.LeftLowerArm),
            new Bone("LeftHand", "LeftLowerArm", -0.71f, 1.45f, 0f, HumanBodyBones.LeftHand),
            new Bone("RightShoulder", "Chest", 0.03f, 1.41f, 0f, HumanBodyBones.RightShoulder),
            new Bone("RightUpperArm", "RightShoulder", 0.18f, 1.45f, 0f, HumanBodyBones.RightUpperArm),
            new Bone("RightLowerArm", "RightUpperArm", 0.46f, 1.45f, 0f, HumanBodyBones.RightLowerArm),
            new Bone("RightHand", "RightLowerArm", 0.71f, 1.45f, 0f, HumanBodyBones.RightHand),
            new Bone("LeftUpperLeg", "Hips", -0.10f, 0.95f, 0f, HumanBodyBones.LeftUpperLeg),
            new Bone("LeftLowerLeg", "LeftUpperLeg", -0.10f, 0.53f, 0f, HumanBodyBones.LeftLowerLeg),
            new Bone("LeftFoot", "LeftLowerLeg", -0.10f, 0.09f, 0f, HumanBodyBones.LeftFoot),
            new Bone("LeftToes", "LeftFoot", -0.10f, 0.02f, 0.13f, HumanBodyBones.LeftToes),
            new Bone("RightUpperLeg", "Hips", 0.10f, 0.95f, 0f, HumanBodyBones.RightUpperLeg),
            new Bone("RightLowerLeg", "RightUpperLeg", 0.10f, 0.53f, 0f, HumanBodyBones.RightLowerLeg),
            new Bone("RightFoot", "RightLowerLeg", 0.10f, 0.09f, 0f, HumanBodyBones.RightFoot),
            new Bone("RightToes", "RightFoot", 0.10f, 0.02f, 0.13f, HumanBodyBones.RightToes),
        };

        // Where a bone's primitive ends when it has no child bone to reach (relative to its joint).
        static readonly Dictionary<string, Vector3> Tips = new Dictionary<string, Vector3>
        {
            { "Head", new Vector3(0f, 0.22f, 0f) },
            { "LeftHand", new Vector3(-0.16f, 0f, 0f) },
            { "RightHand", new Vector3(0.16f, 0f, 0f) },
            { "LeftToes", new Vector3(0f, 0f, 0.07f) },
            { "RightToes", new Vector3(0f, 0f, 0.07f) },
        };

        /// <summary>The character built in <c>Awake</c>.</summary>
        public AvatarDriver Driver { get; private set; }

        void Awake()
        {
            if (_showSkeleton)
            {
                Camera camera = Camera.main;
                if (camera != null && camera.GetComponent<Show_Skeleton>() == null)
                    camera.gameObject.AddComponent<Show_Skeleton>();
            }
            var root = new GameObject("Primitive Avatar");
            root.SetActive(false); // components are added first, then it starts in one go
            root.transform.position = _position;
            var transforms = new Dictionary<string, Transform>();
            foreach (Bone b in Bones)
            {
                var go = new GameObject(b.Name);
                Transform parent = b.Parent == null ? root.transform : transforms[b.Parent];
                go.transform.SetParent(parent, false);
                go.transform.position = root.transform.position + b.Position; // T-pose: every rotation is the identity
                transforms[b.Name] = go.transform;
            }
            foreach (Bone b in Bones)
                AddLimb(transforms[b.Name], ChildPosition(b, transforms) - transforms[b.Name].position, ColorOf(b.Name));

            var human = new List<HumanBone>();
            var skeleton = new List<SkeletonBone> { Skeleton(root.transform) };
            foreach (Bone b in Bones)
            {
                human.Add(new HumanBone { boneName = b.Name, humanName = b.Human.ToString(), limit = new HumanLimit { useDefaultValues = true } });
                skeleton.Add(Skeleton(transforms[b.Name]));
            }
            var description = new HumanDescription
            {
                human = human.ToArray(),
                skeleton = skeleton.ToArray(),
                upperArmTwist = 0.5f,
                lowerArmTwist = 0.5f,
                upperLegTwist = 0.5f,
                lowerLegTwist = 0.5f,
                armStretch = 0.05f,
                legStretch = 0.05f,
                feetSpacing = 0f,
            };
            Avatar avatar = AvatarBuilder.BuildHumanAvatar(root, description);
            avatar.name = "Primitive Avatar";
            if (!avatar.isValid || !avatar.isHuman)
                Debug.LogError("PrimitiveAvatarSetup: Unity did not accept the generated Humanoid Avatar", this);
            Animator animator = root.AddComponent<Animator>();
            animator.avatar = avatar;
            Driver = root.AddComponent<AvatarDriver>();
            Driver.Mirror = _mirror;
            root.SetActive(true);
        }

        Vector3 ChildPosition(Bone bone, Dictionary<string, Transform> transforms)
        {
            Vector3 tip;
            if (Tips.TryGetValue(bone.Name, out tip))
                return transforms[bone.Name].position + tip;
            foreach (Bone b in Bones)
                if (b.Parent == bone.Name && !b.Name.Contains("Shoulder") && !b.Name.Contains("UpperLeg"))
                    return transforms[b.Name].position;
            // Hips: down to between the legs
            return transforms[bone.Name].position + new Vector3(0f, -0.08f, 0f);
        }

        Color ColorOf(string name)
        {
            if (name.StartsWith("Left", System.StringComparison.Ordinal)) return _leftColor;
            if (name.StartsWith("Right", System.StringComparison.Ordinal)) return _rightColor;
            return _centerColor;
        }

        /// <summary>A box from the joint towards <paramref name="towards"/> (world offset), child of the bone.</summary>
        static void AddLimb(Transform bone, Vector3 towards, Color color)
        {
            float length = towards.magnitude;
            if (length < 1e-4f)
                return;
            GameObject box = Primitives.Create(PrimitiveType.Cube, bone.name + " (shape)");
            box.transform.SetParent(bone, false);
            box.transform.position = bone.position + towards * 0.5f;
            box.transform.rotation = Quaternion.LookRotation(towards / length, Mathf.Abs(towards.y) > 0.9f * length ? Vector3.forward : Vector3.up);
            float width = bone.name == "Head" ? 0.16f : bone.name == "Hips" || bone.name.Contains("Spine") || bone.name.Contains("Chest") ? 0.24f : 0.08f;
            box.transform.localScale = new Vector3(width, width * 0.8f, length);
            box.GetComponent<Renderer>().material.color = color;
        }

        static SkeletonBone Skeleton(Transform t)
        {
            return new SkeletonBone { name = t.name, position = t.localPosition, rotation = t.localRotation, scale = t.localScale };
        }
    }
}
