using System;
using System.Collections.Generic;
using System.IO;
using PoseBridge.Recording;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Records an animated character's joint positions (Unity world, meters, y up) every frame into the
    /// ground-truth txt that <c>pose-bridge evaluate</c> and <c>pose-bridge study</c> read:
    /// <c>Landmark [FRAME, rig:Bone]: (x, y, z)</c>, frames numbered from 0 at <see cref="Begin"/>.
    ///
    /// Bones come from a Humanoid <see cref="Animator"/> through <c>Animator.GetBoneTransform</c> — any
    /// Humanoid rig, named by <c>HumanBodyBones</c> (<c>humanoid:LeftUpperArm</c>) — or from an explicit list
    /// of Transforms, named by their own names (Mixamo's <c>mixamorig2:LeftArm</c> stays as it is).
    /// Positions are read in <c>LateUpdate</c>, after the Animator has posed the character; when a
    /// <see cref="CameraSweep"/> drives the recorder it calls <see cref="RecordFrame"/> itself, right when it
    /// captures the image, so image i and truth frame i show the same pose.
    /// </summary>
    [DisallowMultipleComponent]
    [AddComponentMenu("Pose Bridge/Ground Truth Recorder")]
    public sealed class GroundTruthRecorder : MonoBehaviour
    {
        [Tooltip("A Humanoid Animator: every HumanBodyBones bone it maps is recorded. Leave empty to use the Transforms below.")]
        [SerializeField] Animator _animator;

        [Tooltip("Explicit bones (any rig), recorded under their own names when no Humanoid Animator is set.")]
        [SerializeField] Transform[] _bones = new Transform[0];

        [Tooltip("Prefix for bone names that have none (e.g. 'mixamorig2'). Humanoid bones use 'humanoid'.")]
        [SerializeField] string _rigName = "rig";

        [Tooltip("Output file; relative paths are resolved against the project folder (the player's working directory in builds).")]
        [SerializeField] string _outputPath = "ground_truth.txt";

        [Tooltip("Record from the first frame after this component is enabled (Play mode start) and write every frame; disabling closes the file. Off: a script (CameraSweep) calls Begin/RecordFrame/End.")]
        [SerializeField] bool _recordEveryFrame = true;

        GroundTruthWriter _writer;
        bool _beginPending;
        readonly List<Transform> _transforms = new List<Transform>();
        string[] _keys = new string[0];
        float[] _positions = new float[0];
        int _frame;

        /// <summary>True between <see cref="Begin"/> and <see cref="End"/>.</summary>
        public bool IsRecording { get { return _writer != null; } }

        /// <summary>The frame number the next <see cref="RecordFrame"/> writes.</summary>
        public int NextFrame { get { return _frame; } }

        /// <summary>The bone names written, in order (valid after <see cref="Begin"/>).</summary>
        public IList<string> Keys { get { return _keys; } }

        public Animator Animator { get { return _animator; } set { _animator = value; } }

        public bool RecordEveryFrame { get { return _recordEveryFrame; } set { _recordEveryFrame = value; } }

        void Reset()
        {
            _animator = GetComponentInChildren<Animator>();
        }

        void OnEnable()
        {
            // Begin in the first LateUpdate, not here: every Awake has run by then, so a CameraSweep that drives
            // this recorder has turned RecordEveryFrame off before a file is opened. Enabling again after a
            // disable (which closed the file) starts the file again.
            _beginPending = true;
        }

        void LateUpdate()
        {
            if (_beginPending)
            {
                _beginPending = false;
                if (_recordEveryFrame && !IsRecording)
                    Begin(_outputPath);
            }
            if (_recordEveryFrame && IsRecording)
                RecordFrame();
        }

        void OnDisable()
        {
            _beginPending = false;
            End();
        }

        /// <summary>
        /// Opens <paramref name="path"/> (created or truncated) and collects the bones; the next frame written is 0.
        /// Throws <see cref="InvalidOperationException"/> when there is no bone to record.
        /// </summary>
        public void Begin(string path)
        {
            End();
            CollectBones();
            if (_transforms.Count == 0)
                throw new InvalidOperationException("GroundTruthRecorder: no bones (set a Humanoid Animator or assign Transforms)");
            _positions = new float[3 * _transforms.Count];
            _frame = 0;
            _writer = new GroundTruthWriter(path);
            Debug.Log("GroundTruthRecorder: recording " + _transforms.Count + " bones to " + Path.GetFullPath(path), this);
        }

        /// <summary>Writes the bones' current world positions as the next frame (flushed at once).</summary>
        public void RecordFrame()
        {
            if (_writer == null)
                throw new InvalidOperationException("GroundTruthRecorder: RecordFrame before Begin");
            for (int i = 0; i < _transforms.Count; i++)
            {
                Vector3 p = _transforms[i].position;
                _positions[3 * i] = p.x;
                _positions[3 * i + 1] = p.y;
                _positions[3 * i + 2] = p.z;
            }
            _writer.WriteFrame(_frame, _keys, _positions);
            _frame++;
        }

        /// <summary>Closes the file (idempotent).</summary>
        public void End()
        {
            if (_writer == null)
                return;
            _writer.Dispose();
            Debug.Log("GroundTruthRecorder: wrote " + _frame + " frames", this);
            _writer = null;
        }

        /// <summary>
        /// The root the study measures camera positions from: the midpoint of the two upper legs (the hips the
        /// evaluator uses), else the Hips bone, else this transform.
        /// </summary>
        public Vector3 RootPosition()
        {
            if (_animator != null && _animator.isHuman)
            {
                Transform l = _animator.GetBoneTransform(HumanBodyBones.LeftUpperLeg);
                Transform r = _animator.GetBoneTransform(HumanBodyBones.RightUpperLeg);
                if (l != null && r != null)
                    return (l.position + r.position) * 0.5f;
                Transform hips = _animator.GetBoneTransform(HumanBodyBones.Hips);
                if (hips != null)
                    return hips.position;
            }
            return transform.position;
        }

        void CollectBones()
        {
            _transforms.Clear();
            var keys = new List<string>();
            if (_animator != null && _animator.isHuman)
            {
                foreach (HumanBodyBones bone in Enum.GetValues(typeof(HumanBodyBones)))
                {
                    if (bone == HumanBodyBones.LastBone)
                        continue;
                    Transform t = _animator.GetBoneTransform(bone);
                    if (t == null)
                        continue;
                    _transforms.Add(t);
                    keys.Add(GroundTruthFormat.BoneKey(GroundTruthFormat.HumanoidRig, bone.ToString()));
                }
            }
            else
            {
                if (_animator != null)
                    Debug.LogWarning("GroundTruthRecorder: the Animator is not Humanoid; recording the assigned Transforms", this);
                foreach (Transform t in _bones)
                {
                    if (t == null)
                        continue;
                    _transforms.Add(t);
                    keys.Add(GroundTruthFormat.BoneKey(_rigName, t.name));
                }
            }
            _keys = keys.ToArray();
        }
    }
}
