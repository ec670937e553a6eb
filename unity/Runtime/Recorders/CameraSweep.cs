using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using PoseBridge.Recording;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Moves a camera over a radius × azimuth × elevation grid around a character, renders frames into an
    /// image sequence, records the ground truth alongside (through a <see cref="GroundTruthRecorder"/>) and
    /// writes <c>manifest.csv</c> for <c>pose-bridge study OUTPUT/manifest.csv</c>.
    ///
    /// Angles follow the study: azimuth around y from +z towards +x, elevation above the horizontal plane,
    /// both in degrees, positions relative to the subject root (the midpoint of the upper legs). The camera
    /// looks at the root with y up (<see cref="Spherical.LookAtBasis"/>, the same definition the evaluator
    /// uses to rotate the ground truth into the camera's frame) and follows the root while it captures.
    ///
    /// Modes: <b>ClipPerPosition</b> renders <c>Frames Per Position</c> frames of the animation from each
    /// position (restarted from its first frame each time) into <c>posNNNN_.../%05d.png</c> with its own
    /// <c>truth.txt</c>; <b>OneFramePerPosition</b> (the thesis) renders one frame per position into one
    /// sequence <c>frames/%05d.png</c> and one <c>truth.txt</c>, frame i from position i. Rendering uses
    /// <c>Time.captureFramerate</c>, so the animation advances by exactly 1/fps per captured frame however
    /// slow the capture is. The grid maths, file names and manifest are plain C# in
    /// <c>Runtime/Core/Recording</c> (tested without Unity).
    /// </summary>
    [DisallowMultipleComponent]
    [AddComponentMenu("Pose Bridge/Camera Sweep")]
    public sealed class CameraSweep : MonoBehaviour
    {
        [Header("Scene")]
        [Tooltip("The camera to move (default: the Camera on this GameObject, else the main camera).")]
        [SerializeField] Camera _camera;

        [Tooltip("Records the character's bones; its Humanoid Animator also defines the subject root. Its 'Record Every Frame' is turned off: the sweep drives it.")]
        [SerializeField] GroundTruthRecorder _recorder;

        [Header("Grid (degrees, meters)")]
        [SerializeField] float _radiusMin = 2f;
        [SerializeField] float _radiusMax = 4f;
        [Tooltip("0: only Radius Min.")]
        [SerializeField] float _radiusStep = 1f;
        [Tooltip("Around y, from +z towards +x.")]
        [SerializeField] float _azimuthMin = -180f;
        [SerializeField] float _azimuthMax = 180f;
        [SerializeField] float _azimuthStep = 30f;
        [Tooltip("Above the horizontal plane, -90..90.")]
        [SerializeField] float _elevationMin = 0f;
        [SerializeField] float _elevationMax = 60f;
        [SerializeField] float _elevationStep = 15f;

        [Header("Capture")]
        [SerializeField] SweepMode _mode = SweepMode.ClipPerPosition;
        [Tooltip("ClipPerPosition: frames rendered from each position.")]
        [Min(1)] [SerializeField] int _framesPerPosition = 60;
        [Tooltip("Animation frames per second of captured video (Time.captureFramerate).")]
        [Min(1)] [SerializeField] int _frameRate = 30;
        [SerializeField] int _width = 1280;
        [SerializeField] int _height = 720;
        [Tooltip("Output folder; relative paths are resolved against the project folder. Existing files are overwritten.")]
        [SerializeField] string _outputFolder = "CameraSweep";
        [Tooltip("Start the sweep when Play mode starts.")]
        [SerializeField] bool _runOnStart = true;
        [Tooltip("OneFramePerPosition: pause the animation (a static pose, as in the thesis).")]
        [SerializeField] bool _freezeAnimation = true;

        bool _running;

        /// <summary>True while a sweep runs.</summary>
        public bool IsRunning { get { return _running; } }

        /// <summary>Progress of the current sweep: steps done and total.</summary>
        public int StepsDone { get; private set; }
        public int StepsTotal { get; private set; }

        void Reset()
        {
            _camera = GetComponent<Camera>();
            _recorder = FindObjectOfType<GroundTruthRecorder>();
        }

        void Awake()
        {
            // Before any Start: the recorder must not open its own file when the sweep drives it.
            if (_recorder != null && _runOnStart)
                _recorder.RecordEveryFrame = false;
        }

        void Start()
        {
            if (_runOnStart)
                StartCoroutine(Run());
        }

        /// <summary>The camera positions of the Inspector grid, in sweep order.</summary>
        public List<SphericalPosition> Positions()
        {
            return SphericalGrid.Build(
                new GridRange(_radiusMin, _radiusMax, _radiusStep),
                new GridRange(_azimuthMin, _azimuthMax, _azimuthStep),
                new GridRange(_elevationMin, _elevationMax, _elevationStep));
        }

        /// <summary>The sweep as a coroutine: <c>StartCoroutine(sweep.Run())</c>.</summary>
        public IEnumerator Run()
        {
            if (_running)
                yield break;
            if (_camera == null)
                _camera = GetComponent<Camera>();
            if (_camera == null)
                _camera = Camera.main;
            if (_camera == null || _recorder == null)
            {
                Debug.LogError("CameraSweep: assign a Camera and a GroundTruthRecorder", this);
                yield break;
            }
            List<SweepStep> steps;
            try
            {
                steps = SweepPlan.Build(Positions(), _mode, _framesPerPosition);
            }
            catch (ArgumentException e)
            {
                Debug.LogError("CameraSweep: " + e.Message, this);
                yield break;
            }
            _running = true;
            StepsTotal = steps.Count;
            StepsDone = 0;
            string root = Path.GetFullPath(_outputFolder);
            Directory.CreateDirectory(root);
            _recorder.RecordEveryFrame = false;
            Animator animator = _recorder.Animator;
            float animatorSpeed = animator != null ? animator.speed : 1f;
            int stateHash = animator != null ? animator.GetCurrentAnimatorStateInfo(0).fullPathHash : 0;
            int previousCaptureFramerate = Time.captureFramerate;
            Time.captureFramerate = _frameRate;
            var target = new RenderTexture(_width, _height, 24);
            var pixels = new Texture2D(_width, _height, TextureFormat.RGB24, false);
            var manifest = new ManifestWriter(Path.Combine(root, "manifest.csv"));
            Debug.Log("CameraSweep: " + steps.Count + " positions into " + root, this);
            try
            {
                if (_mode == SweepMode.OneFramePerPosition)
                {
                    if (_freezeAnimation && animator != null)
                        animator.speed = 0f;
                    _recorder.Begin(Path.Combine(root, steps[0].TruthFile));
                }
                foreach (SweepStep step in steps)
                {
                    if (_mode == SweepMode.ClipPerPosition)
                    {
                        if (animator != null)
                            animator.Play(stateHash, 0, 0f);
                        _recorder.Begin(Path.Combine(root, step.TruthFile));
                    }
                    for (int k = 0; k < step.Frames; k++)
                    {
                        // After the Animator posed this frame's character, before anything moves again.
                        yield return new WaitForEndOfFrame();
                        PlaceCamera(step.Offset);
                        Capture(target, pixels, Path.Combine(root, step.ImageFile(step.FirstFrame + k)));
                        _recorder.RecordFrame();
                    }
                    if (_mode == SweepMode.ClipPerPosition)
                        _recorder.End();
                    manifest.Write(step.ManifestRow(_mode));
                    StepsDone++;
                }
                Debug.Log("CameraSweep: done; run  pose-bridge study \"" + Path.Combine(root, "manifest.csv") + "\" --out results", this);
            }
            finally
            {
                _recorder.End();
                manifest.Dispose();
                if (animator != null)
                    animator.speed = animatorSpeed;
                Time.captureFramerate = previousCaptureFramerate;
                _camera.targetTexture = null;
                target.Release();
                Destroy(target);
                Destroy(pixels);
                _running = false;
            }
        }

        void PlaceCamera(Vec3 offset)
        {
            Vec3 right, up, forward;
            Spherical.LookAtBasis(offset, out right, out up, out forward);
            Vector3 root = _recorder.RootPosition();
            _camera.transform.SetPositionAndRotation(
                root + new Vector3((float)offset.X, (float)offset.Y, (float)offset.Z),
                Quaternion.LookRotation(
                    new Vector3((float)forward.X, (float)forward.Y, (float)forward.Z),
                    new Vector3((float)up.X, (float)up.Y, (float)up.Z)));
        }

        void Capture(RenderTexture target, Texture2D pixels, string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            RenderTexture previous = RenderTexture.active;
            _camera.targetTexture = target;
            _camera.Render();
            RenderTexture.active = target;
            pixels.ReadPixels(new Rect(0, 0, _width, _height), 0, 0);
            pixels.Apply();
            _camera.targetTexture = null;
            RenderTexture.active = previous;
            File.WriteAllBytes(path, ImageConversion.EncodeToPNG(pixels));
        }
    }
}
