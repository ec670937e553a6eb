using System;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// One connection to <c>pose-bridge serve</c>, shared by every component that references it: skeleton views,
    /// avatar drivers, the status overlay, your scripts. Put it on any GameObject and drag that into their
    /// Connection fields.
    /// </summary>
    /// <remarks>
    /// The client (<see cref="SharedPoseClient"/> in the plain C# core) connects when the first consumer opens a
    /// <see cref="PoseFeed"/> and closes when the last one closes it, or when this component is disabled or
    /// destroyed (leaving Play mode): the socket is closed and the receive thread joined before
    /// <c>OnDisable</c> returns. Each consumer gets the newest frame in a slot of its own, so several consumers
    /// never take frames from each other. Settings changed while connected apply to the next connection (disable
    /// and enable the component). Not supported on WebGL (no <c>ClientWebSocket</c> in browsers).
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Pose Connection")]
    public sealed class PoseConnection : MonoBehaviour
    {
        [Tooltip(Tooltips.Url)]
        [SerializeField] string _url = "ws://127.0.0.1:8765/";

        [Tooltip(Tooltips.Token)]
        [SerializeField] string _token = "";

        [Tooltip(Tooltips.WireFormat)]
        [SerializeField] WireFormat _wireFormat = WireFormat.MsgPack;

        [Tooltip("Keep receiving while the window is not focused (sets Application.runInBackground; " +
                 "a standalone player otherwise pauses when you click another window).")]
        [SerializeField] bool _runInBackground = true;

        SharedPoseClient _shared;
        string _problem;

        /// <summary>The server's URL (applies to the next connection).</summary>
        public string Url { get { return _url; } set { _url = value; } }

        /// <summary>The server's <c>--token</c>; empty or null: none (applies to the next connection).</summary>
        public string Token { get { return _token; } set { _token = value; } }

        public WireFormat WireFormat { get { return _wireFormat; } set { _wireFormat = value; } }

        /// <summary>Set <c>Application.runInBackground</c> when a consumer opens a feed.</summary>
        public bool RunInBackground { get { return _runInBackground; } set { _runInBackground = value; } }

        /// <summary>The running client: null while no consumer uses the connection, or when it is disabled.</summary>
        public PoseClient Client { get { return _shared != null ? _shared.Client : null; } }

        /// <summary>How many feeds are open.</summary>
        public int Users { get { return _shared != null ? _shared.Users : 0; } }

        /// <summary>Why the connection cannot start (a malformed URL...), null when all is well.</summary>
        public string Problem { get { return _problem; } }

        /// <summary>
        /// A feed of this connection's frames for one consumer (dispose it when done); the first one connects.
        /// Null outside Play mode, while this component is disabled or inactive, and when the settings are unusable
        /// (<see cref="Problem"/> says why; logged once, tried again after the component is re-enabled).
        /// </summary>
        public PoseFeed Open()
        {
            if (!Application.isPlaying || !enabled || !gameObject.activeInHierarchy || _problem != null)
                return null; // never a connection (and its thread) in Edit mode
            if (_runInBackground)
                Application.runInBackground = true;
            try
            {
                if (_shared == null)
                    _shared = new SharedPoseClient(new PoseClientOptions { Url = new Uri(_url), Format = _wireFormat, Token = _token });
                return _shared.Open();
            }
            catch (UriFormatException e)
            {
                Fail(e);
            }
            catch (ArgumentException e)
            {
                Fail(e);
            }
            return null;
        }

        void Fail(Exception e)
        {
            _problem = "cannot connect to '" + _url + "': " + e.Message;
            Debug.LogError("PoseConnection: " + _problem, this);
            if (_shared != null)
            {
                _shared.Dispose();
                _shared = null;
            }
        }

        /// <summary>Pause a replay (<c>pose-bridge serve recording</c>); nothing while not connected.</summary>
        public void Pause() { Send(ControlMessage.Pause()); }

        public void Resume() { Send(ControlMessage.Resume()); }

        public void Seek(long frame) { Send(ControlMessage.Seek(frame)); }

        /// <summary>Replay speed factor; null plays as fast as possible.</summary>
        public void SetSpeed(double? speed) { Send(ControlMessage.SetSpeed(speed)); }

        void Send(ControlMessage message)
        {
            PoseClient client = Client;
            if (client != null)
                client.Send(message);
        }

        void OnEnable()
        {
            _problem = null;
        }

        void OnDisable()
        {
            if (_shared != null)
            {
                _shared.Dispose(); // closes every feed, the socket, and joins the thread
                _shared = null;
            }
        }
    }
}
