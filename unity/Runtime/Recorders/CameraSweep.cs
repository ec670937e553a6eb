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
    ///
    /// Stopping: Unity does not run a coroutine's <c>finally</c> when the coroutine is stopped (disabling or
    /// destroying this component, <see cref="Stop"/>, leaving Play mode), so the sweep's state lives in this
    /// component and <see cref="OnDisable"/> restores it: the open files are closed, <c>Time.captureFramerate</c>,
    /// the animator's speed and the camera's target texture are put back, the textures are released, and
    /// <see cref="Run"/> can start again. Rendering: the built-in pipeline renders with <c>Camera.Render</c>; URP and
    /// HDRP (Unity 2022.2 or later) through <c>RenderPipeline.SubmitRenderRequest</c>. URP/HDRP before 2022.2 cannot
    /// render a camera on demand: the sweep refuses to start there.
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
        // The running sweep's state, restored by Cleanup() whichever way the sweep ends.
        Coroutine _routine;
        RenderTexture _target;
        Texture2D _pixels;
        RenderTexture _previousTarget;
        ManifestWriter _manifest;
        Animator _animator;
        float _animatorSpeed = 1f;
        int _previousCaptureFramerate;

        /// <summary>True while a sweep runs.</summary>
        public bool IsRunning { get { return _running; } }

        /// <summary>Progress of the current sweep: steps done and total.</summary>
        public int StepsDone { get; private set; }
        public int StepsTotal { get; private set; }

        void Reset()
        {
            _camera = GetComponent<Camera>();
#if UNITY_2023_1_OR_NEWER
            _recorder = FindAnyObjectByType<GroundTruthRecorder>();
#else
            _recorder = FindObjectOfType<GroundTruthRecorder>();
#endif
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
                StartSweep();
        }

        /// <summary>Start a sweep (false when one is running already, or the setup is incomplete: see the Console).</summary>
        public bool StartSweep()
        {
            if (_running)
                return false;
            // StartCoroutine runs Run() up to its first yield, where it has either refused or set _running.
            _routine = StartCoroutine(Run());
            return _running;
        }

        /// <summary>Stop the sweep now and restore what it changed; what was captured so far stays on disk.</summary>
        public void Stop()
        {
            if (_routine != null)
                StopCoroutine(_routine);
            _routine = null;
            Cleanup();
        }

        void OnDisable()
        {
            // Disabling does not stop coroutines, deactivating or destroying does (skipping their finally): stop and
            // clean up here in every case, also when Play mode ends.
            StopAllCoroutines();
            _routine = null;
            Cleanup();
        }

        /// <summary>The camera positions of the Inspector grid, in sweep order.</summary>
        public List<SphericalPosition> Positions()
        {
            return SphericalGrid.Build(
                new GridRange(_radiusMin, _radiusMax, _radiusStep),
                new GridRange(_azimuthMin, _azimuthMax, _azimuthStep),
                new GridRange(_elevationMin, _elevationMax, _elevationStep));
        }

        /// <summary>
        /// The sweep as a coroutine. Prefer <see cref="StartSweep"/>; started elsewhere with
        /// <c>sweep.StartCoroutine(sweep.Run())</c> it is still cleaned up when this component is disabled.
        /// </summary>
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
            if (!CanRender())
            {
                Debug.LogError("CameraSweep: this render pipeline cannot render a camera on demand before Unity 2022.2 " +
                               "(use the built-in pipeline, or Unity 2022.2 or later)", this);
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
            Animator animator = _animator = _recorder.Animator;
            _animatorSpeed = animator != null ? animator.speed : 1f;
            int stateHash = animator != null ? animator.GetCurrentAnimatorStateInfo(0).fullPathHash : 0;
            _previousCaptureFramerate = Time.captureFramerate;
            Time.captureFramerate = _frameRate;
            _previousTarget = _camera.targetTexture;
            var target = _target = new RenderTexture(_width, _height, 24);
            var pixels = _pixels = new Texture2D(_width, _height, TextureFormat.RGB24, false);
            var manifest = _manifest = new ManifestWriter(Path.Combine(root, "manifest.csv"));
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
                // Runs when the sweep ends or throws; a stopped coroutine skips it and OnDisable/Stop clean up.
                Cleanup();
            }
        }

        /// <summary>Undo everything a sweep changed. Idempotent; safe when no sweep runs.</summary>
        void Cleanup()
        {
            if (!_running)
                return;
            _running = false;
            _routine = null;
            if (_recorder != null)
                _recorder.End();
            if (_manifest != null)
                _manifest.Dispose();
            if (_animator != null)
                _animator.speed = _animatorSpeed;
            Time.captureFramerate = _previousCaptureFramerate;
            if (_camera != null)
                _camera.targetTexture = _previousTarget;
            if (_target != null)
            {
                _target.Release();
                Destroy(_target);
            }
            if (_pixels != null)
                Destroy(_pixels);
            _manifest = null;
            _animator = null;
            _target = null;
            _pixels = null;
            _previousTarget = null;
        }

        /// <summary>Whether this project's render pipeline can render the camera into a texture on demand.</summary>
        static bool CanRender()
        {
#if UNITY_2022_2_OR_NEWER
            return true;
#else
            return UnityEngine.Rendering.GraphicsSettings.currentRenderPipeline == null;
#endif
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
#if UNITY_2022_2_OR_NEWER
            // URP and HDRP do not support Camera.Render(); they render requests (the built-in pipeline does not).
            var request = new UnityEngine.Rendering.RenderPipeline.StandardRequest { destination = target };
            if (UnityEngine.Rendering.GraphicsSettings.currentRenderPipeline != null &&
                UnityEngine.Rendering.RenderPipeline.SupportsRenderRequest(_camera, request))
                UnityEngine.Rendering.RenderPipeline.SubmitRenderRequest(_camera, request);
            else
#endif
            {
                _camera.targetTexture = target;
                _camera.Render();
                _camera.targetTexture = _previousTarget;
            }
            RenderTexture.active = target;
            pixels.ReadPixels(new Rect(0, 0, _width, _height), 0, 0);
            pixels.Apply();
            RenderTexture.active = previous;
            File.WriteAllBytes(path, ImageConversion.EncodeToPNG(pixels));
        }
    }
}
