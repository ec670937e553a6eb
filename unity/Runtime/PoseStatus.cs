using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// The on-screen status in the top-left corner: the connection (status, URL, last error), frames per second,
    /// latency, ping, the source, the frame shown and whether someone is detected — or the txt file played, or
    /// what is wrong.
    /// </summary>
    /// <remarks>
    /// The text (<see cref="PoseStatusText"/> in the plain C# core) is rebuilt four times a second in
    /// <c>LateUpdate</c> (it allocates strings) and drawn in <c>OnGUI</c>. A problem of the connection or of any
    /// txt source is shown first (the last one listed wins); then the live connection (with the view's frame and
    /// detection); then the first txt source's playback.
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Pose Status")]
    [DefaultExecutionOrder(200)]
    public sealed class PoseStatus : MonoBehaviour
    {
        [Tooltip("The connection to show.")]
        [SerializeField] PoseConnection _connection;

        [Tooltip("The skeleton whose shown frame and detection to show.")]
        [SerializeField] SkeletonView _view;

        [Tooltip("Txt sources: the first one's playback is shown when there is no connection; a problem of any is shown.")]
        [SerializeField] TxtPoseSource[] _txtSources = new TxtPoseSource[0];

        const float Interval = 0.25f; // seconds between text updates
        string _text = "";
        float _at = float.NegativeInfinity;

        public PoseConnection Connection { get { return _connection; } set { _connection = value; } }
        public SkeletonView View { get { return _view; } set { _view = value; } }

        /// <summary>The txt sources watched (never null).</summary>
        public TxtPoseSource[] TxtSources
        {
            get { return _txtSources; }
            set { _txtSources = value ?? new TxtPoseSource[0]; }
        }

        /// <summary>The text shown (as of the last update).</summary>
        public string Text { get { return _text; } }

        /// <summary>The status text now.</summary>
        public string Compose()
        {
            string problem = _connection != null ? _connection.Problem : null;
            TxtPoseSource playing = null;
            if (_txtSources != null)
            {
                foreach (TxtPoseSource source in _txtSources)
                {
                    if (source == null)
                        continue;
                    if (source.Problem != null)
                        problem = source.Problem;
                    if (playing == null && source.Recording != null)
                        playing = source;
                }
            }
            if (problem != null)
                return PoseStatusText.Problem(problem);
            PoseClient client = _connection != null ? _connection.Client : null;
            if (client != null)
            {
                return PoseStatusText.Live(ClientSnapshot.Of(client, _connection.Url),
                    _view != null ? _view.ShownFrame : -1, _view != null && _view.Detected, _view != null ? _view.Hint : null);
            }
            if (playing != null)
                return PoseStatusText.Txt(playing.Recording.FileName, playing.ShownFrame, playing.Recording.Frames.Count, playing.Detected);
            return PoseStatusText.Idle;
        }

        void OnEnable()
        {
            _at = float.NegativeInfinity;
        }

        void LateUpdate()
        {
            if (Time.unscaledTime - _at < Interval)
                return;
            _text = Compose();
            _at = Time.unscaledTime;
        }

        void OnGUI()
        {
            if (Event.current.type != EventType.Repaint)
                return;
            GUI.Box(new Rect(8, 8, 380, 74), GUIContent.none);
            GUI.Label(new Rect(16, 12, 370, 70), _text);
        }
    }
}
