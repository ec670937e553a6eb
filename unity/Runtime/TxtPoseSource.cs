using System;
using System.IO;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Plays a txt recording into a <see cref="SkeletonView"/>, no server needed: a seed file
    /// (<c>Landmark [FRAME,INDEX]: (x, y, z)</c>, from the thesis notebook or <c>pose-bridge extract -o x.txt</c>)
    /// drawn as BlazePose, or a ground-truth file (<c>Landmark [FRAME, mixamorig2:Bone]: (x, y, z)</c>) drawn
    /// along the Mixamo hierarchy.
    /// </summary>
    /// <remarks>
    /// The file is read (with <see cref="TxtRecording"/>, invariant culture) in the first <c>LateUpdate</c> after
    /// the component is enabled, so a script that adds and configures it in one go reads the right file; playback
    /// starts then, at <see cref="Fps"/>. Every frame the view is given the recording's frame for the time played.
    /// A file that cannot be read is logged with its line number and shown by <see cref="PoseStatus"/>
    /// (<see cref="Problem"/>). The coordinates (world, image, Unity) are the view's setting.
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Txt Pose Source")]
    [DefaultExecutionOrder(-50)]
    public sealed class TxtPoseSource : MonoBehaviour
    {
        [Tooltip("Txt recording to play: 'Landmark [FRAME,INDEX]: (x, y, z)' lines (or a ground-truth file). " +
                 "Absolute, or relative to the project folder (StreamingAssets in a build).")]
        [SerializeField] string _txtFile = "";

        [Tooltip("Frames per second of the recording.")]
        [Min(0.001f)] [SerializeField] float _fps = 30f;

        [Tooltip("Start again at the end.")]
        [SerializeField] bool _loop = true;

        [Tooltip("Width / height of the video a file in image coordinates was made from.")]
        [SerializeField] float _imageAspect = 1f;

        [Tooltip("The skeleton to play into. Empty: the Skeleton View on this GameObject.")]
        [SerializeField] SkeletonView _view;

        TxtRecording _recording;
        Topology _topology;
        bool _loaded;
        float _start;
        string _problem;
        long _shownFrame = -1;
        bool _detected;

        /// <summary>The file to play (read again when changed).</summary>
        public string TxtFile
        {
            get { return _txtFile; }
            set
            {
                if (value != _txtFile)
                    _loaded = false;
                _txtFile = value;
            }
        }

        /// <summary>Frames per second; 0 or less plays at 30.</summary>
        public float Fps { get { return _fps > 0f ? _fps : 30f; } set { _fps = value; } }

        public bool Loop { get { return _loop; } set { _loop = value; } }

        /// <summary>Width / height of the video behind an image-coordinate file; 0 or less: 1.</summary>
        public float ImageAspect { get { return _imageAspect > 0f ? _imageAspect : 1f; } set { _imageAspect = value; } }

        /// <summary>The view played into; null: the one on this GameObject.</summary>
        public SkeletonView View { get { return _view; } set { _view = value; } }

        /// <summary>The recording being played (null before it is read, or when it cannot be).</summary>
        public TxtRecording Recording { get { return _recording; } }

        /// <summary>Why the file cannot be played (null when all is well).</summary>
        public string Problem { get { return _problem; } }

        /// <summary>The number of the frame shown last (as written in the file); -1 before the first.</summary>
        public long ShownFrame { get { return _shownFrame; } }

        /// <summary>Whether the frame shown last had a detection.</summary>
        public bool Detected { get { return _detected; } }

        /// <summary>Play from the first frame again.</summary>
        public void Restart() { _start = Time.time; }

        void OnEnable()
        {
            _loaded = false;
        }

        void OnDisable()
        {
            _recording = null;
            _topology = null;
        }

        void LateUpdate()
        {
            if (!_loaded)
                Load();
            if (_recording == null)
                return;
            TxtFrame frame = _recording.FrameAt(Time.time - _start, Fps, _loop);
            if (frame == null)
                return;
            _shownFrame = frame.Frame;
            _detected = frame.Detected;
            SkeletonView view = _view != null ? _view : GetComponent<SkeletonView>();
            if (view != null)
                view.ShowPoints(_topology, frame.Points, frame.Detected, frame.Frame, ImageAspect);
        }

        void Load()
        {
            _loaded = true;
            _start = Time.time;
            _recording = null;
            _problem = null;
            _shownFrame = -1;
            string resolved = ResolvePath(_txtFile);
            try
            {
                TxtRecording rec = TxtRecording.Load(resolved);
                foreach (string warning in rec.Warnings)
                    Debug.LogWarning("TxtPoseSource: " + warning, this);
                _topology = rec.Kind == TxtKind.Seed
                    ? Topology.BlazePose
                    : new Topology(rec.JointNames.ToArray(), MixamoRig.BonesFor(rec.JointNames), null);
                _recording = rec;
                return;
            }
            catch (TxtFormatException e)
            {
                _problem = e.Message;
            }
            catch (IOException e)
            {
                _problem = "cannot read '" + resolved + "': " + e.Message;
            }
            catch (UnauthorizedAccessException e)
            {
                _problem = "cannot read '" + resolved + "': " + e.Message;
            }
            catch (ArgumentException)
            {
                _problem = "no txt file set (Inspector: Txt File)";
            }
            Debug.LogError("TxtPoseSource: " + _problem, this);
        }

        /// <summary>
        /// An absolute path as it is; a relative one from the project folder (the working directory in the
        /// Editor) when the file is there, else from StreamingAssets (where builds keep such files).
        /// </summary>
        public static string ResolvePath(string path)
        {
            if (string.IsNullOrEmpty(path) || Path.IsPathRooted(path))
                return path;
            if (File.Exists(path))
                return Path.GetFullPath(path);
            return Path.Combine(Application.streamingAssetsPath, path);
        }
    }
}
