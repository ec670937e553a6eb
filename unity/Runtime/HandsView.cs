using System;
using System.Collections.Generic;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Draws the hands a <c>pose-bridge serve --hands</c> stream carries (21 joints and 21 bones per hand, protocol/SPEC.md
    /// §4c) on a <see cref="SkeletonView"/>'s skeleton: each hand hangs from the body's wrist joint, so it moves with the
    /// skeleton wherever that is drawn, with the view's Coordinates, Axis Mapping, Scale and Mirror.
    /// </summary>
    /// <remarks>
    /// Frames come through a <see cref="PoseFeed"/> of its own on a shared <see cref="PoseConnection"/>: the one
    /// assigned, else the Show_Skeleton's, else the view's; the wrists from the View, else the Show_Skeleton's view.
    /// With none of Connection, View and Show_Skeleton assigned it takes the first Show_Skeleton in the scene, else the
    /// first SkeletonView (and, when that has no connection, the first Pose Connection). The newest frame is applied in
    /// <c>LateUpdate</c>, after the views have placed the wrists; a hand that is not in the newest frame is hidden at
    /// once, never left where it was. Nothing is drawn while the stream has no hands.
    /// With several people (<c>serve --max-people N</c>), Person Id 0 draws the hands of everyone the view draws
    /// (all of them with its Show Everyone, else the primary person), each on their own wrists
    /// (<see cref="SkeletonView.GetJoint(long, int)"/>); another id draws that person's hands only, while the view
    /// draws that person. Each person's hands are a figure of their own; figures of people who left wait in a pool
    /// for the next ones, so people coming and going allocate nothing new. Whose hands go on which figure and the
    /// maths are in the plain C# core (<see cref="HandFigures{T}"/>, <see cref="Hands"/>). <see cref="Show_Skeleton"/>
    /// adds one itself (its Show Hands).
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Hands View")]
    [DefaultExecutionOrder(50)] // after SkeletonView (0): the wrists are where this frame put them
    public sealed class HandsView : MonoBehaviour
    {
        [Tooltip("The connection frames come from (a Pose Connection component). Empty: the Show_Skeleton's, else the View's.")]
        [SerializeField] PoseConnection _connection;

        [Tooltip("The skeleton whose wrists the hands hang from, and whose Coordinates, Axis Mapping, Scale and Mirror " +
                 "they follow. Empty: the Show_Skeleton's.")]
        [SerializeField] SkeletonView _view;

        [Tooltip("A Show_Skeleton whose connection and skeleton are used when Connection or View is empty. With none of " +
                 "the three: the first Show_Skeleton in the scene, else the first Skeleton View.")]
        [SerializeField] Show_Skeleton _skeleton;

        [Tooltip("Whose hands, when the server tracks several people (serve --max-people N): 0 = everyone the View draws " +
                 "(everyone with its Show Everyone on, else the primary person), each on their own wrists; a person's " +
                 "id = that person only (drawn while the View draws them).")]
        [Min(0)] [SerializeField] int _personId;

        [Tooltip("Diameter of a finger joint sphere.")]
        [SerializeField] float _jointSize = 0.012f;

        [Tooltip("Width of a finger bone line.")]
        [SerializeField] float _boneWidth = 0.005f;

        [SerializeField] Color _leftColor = new Color(1.00f, 0.45f, 0.15f);
        [SerializeField] Color _rightColor = new Color(0.20f, 0.55f, 1.00f);

        [Tooltip("Material of the bone lines; empty: Sprites/Default, else URP's Particles/Unlit (its shader must use vertex colours).")]
        [SerializeField] Material _lineMaterial;

        readonly FeedHolder _feed = new FeedHolder();
        readonly Vec3[] _offsets = new Vec3[Protocol.HandLandmarks];
        // The primary person's hands on a figure of their own, everyone else's on pooled figures (Core HandFigures).
        readonly HandFigures<HandFigure> _figures = new HandFigures<HandFigure>();
        static readonly Action<HandFigure> _hideFigure = f => f.SetVisible(false);
        Func<HandFigure> _makeFigure;
        List<PlacedHands<HandFigure>> _placed; // this frame's, from _figures
        GameObject _root;
        Material _ownLineMaterial;
        HelloMessage _builtFor;

        /// <summary>
        /// Whose hands are drawn: 0 = everyone the View draws (everyone with its Show Everyone, else the primary
        /// person); another id = that person only. See the Inspector's Person Id.
        /// </summary>
        public int PersonId { get { return _personId; } set { _personId = Mathf.Max(0, value); } }

        /// <summary>The connection frames come from (null: the <see cref="Skeleton"/>'s, else the <see cref="View"/>'s).</summary>
        public PoseConnection Connection { get { return _connection; } set { _connection = value; } }

        /// <summary>The skeleton the hands hang from (null: the <see cref="Skeleton"/>'s view).</summary>
        public SkeletonView View { get { return _view; } set { _view = value; } }

        /// <summary>The Show_Skeleton used for what is not assigned (set before enabling; null: found in the scene).</summary>
        public Show_Skeleton Skeleton { get { return _skeleton; } set { _skeleton = value; } }

        /// <summary>The client frames come from; null while no feed is open.</summary>
        public PoseClient Client { get { return _feed.Feed != null ? _feed.Feed.Client : null; } }

        public float JointSize { get { return _jointSize; } set { _jointSize = value; } }
        public float BoneWidth { get { return _boneWidth; } set { _boneWidth = value; } }
        public Color LeftColor { get { return _leftColor; } set { _leftColor = value; } }
        public Color RightColor { get { return _rightColor; } set { _rightColor = value; } }

        /// <summary>Material of the bone lines (applies when the hands are next built); null: Sprites/Default, else URP's Particles/Unlit.</summary>
        public Material LineMaterial { get { return _lineMaterial; } set { _lineMaterial = value; } }

        /// <summary>
        /// Whether the left (<paramref name="left"/>) or right hand of the person Person Id chooses (0: the primary
        /// person) is shown now.
        /// </summary>
        public bool Shown(bool left) { return Shown(_personId, left); }

        /// <summary>
        /// Whether person <paramref name="personId"/>'s (0: the primary person's) left (<paramref name="left"/>) or
        /// right hand is shown now.
        /// </summary>
        public bool Shown(long personId, bool left)
        {
            if (_placed == null)
                return false;
            foreach (PlacedHands<HandFigure> p in _placed)
                if (personId == 0 ? p.Primary : p.PersonId == personId)
                    return p.Figure.Shown(left ? 0 : 1);
            return false;
        }

        /// <summary>How many people have a hand shown now.</summary>
        public int PeopleShown
        {
            get
            {
                int n = 0;
                if (_placed != null)
                    foreach (PlacedHands<HandFigure> p in _placed)
                        if (p.Figure.Shown(0) || p.Figure.Shown(1))
                            n++;
                return n;
            }
        }

        SkeletonView Wrists { get { return _view != null ? _view : (_skeleton != null ? _skeleton.View : null); } }

        void OnEnable()
        {
            if (_makeFigure == null)
                _makeFigure = MakeFigure; // one delegate, not one per frame
            Sharing.FindDefault(ref _skeleton, ref _view);
            if (_connection == null && _skeleton == null && (_view == null || _view.Connection == null))
                _connection = Sharing.Find<PoseConnection>();
            if (_skeleton == null && _view == null)
                Debug.LogWarning("HandsView: no Show_Skeleton or Skeleton View in the scene to hang the hands on", this);
        }

        void OnDisable()
        {
            _feed.Dispose(); // the last feed of a shared connection closes it
            DestroyFigures();
            if (_ownLineMaterial != null)
            {
                Destroy(_ownLineMaterial);
                _lineMaterial = _ownLineMaterial = null;
            }
        }

        void LateUpdate()
        {
            // (Re)opened when the connection appears (a Show_Skeleton makes it when enabled), changes or comes back.
            PoseFeed feed = _feed.Follow(Sharing.Connection(_connection, _skeleton, _view), Sharing.Open);
            FrameMessage frame;
            if (feed == null || !feed.TryTakeFresh(out frame))
                return;
            HelloMessage hello = feed.Client.Hello;
            if (hello == null || !hello.HasHands)
            {
                _placed = _figures.Place(null, _personId, false, _makeFigure, _hideFigure); // hides every figure
                return;
            }
            if (!ReferenceEquals(hello, _builtFor))
                Build(hello);
            SkeletonView view = Wrists;
            double aspect = hello.Source != null && hello.Source.Width > 0 && hello.Source.Height > 0
                ? (double)hello.Source.Width.Value / hello.Source.Height.Value
                : 1.0;
            _placed = _figures.Place(frame, _personId, view != null && view.ShowEveryone, _makeFigure, _hideFigure);
            foreach (PlacedHands<HandFigure> p in _placed)
            {
                p.Figure.SetVisible(true);
                for (int s = 0; s < 2; s++)
                {
                    bool left = s == 0;
                    // a person's left hand hangs from their body's left wrist joint, wherever the view draws it (mirrored too)
                    Transform wrist = view != null ? view.GetJoint(p.PersonId, Hands.BodyWrist(left)) : null;
                    if (wrist == null || !Hands.TryGetOffsets(left ? p.Left : p.Right, view.CoordinateSpace, view.AxisMapping,
                            aspect, view.Mirror, view.Scale, _offsets))
                        p.Figure.Hide(s); // not in this frame, or the view does not draw this person now
                    else
                        p.Figure.Place(s, wrist.position, _offsets);
                }
            }
        }

        void Build(HelloMessage hello)
        {
            DestroyFigures();
            _builtFor = hello;
            _root = new GameObject("Hands");
            if (_lineMaterial == null)
            {
                Shader shader = Primitives.FindLineShader();
                if (shader != null)
                    _lineMaterial = _ownLineMaterial = new Material(shader);
            }
        }

        /// <summary>A new figure (both hands, hidden) for <see cref="HandFigures{T}"/> when none is free.</summary>
        HandFigure MakeFigure()
        {
            return new HandFigure("Person hands", _root.transform, _builtFor, _jointSize, _boneWidth, _lineMaterial,
                _leftColor, _rightColor);
        }

        void DestroyFigures()
        {
            foreach (HandFigure f in _figures.Drain())
                f.Destroy();
            _placed = null;
            if (_root != null)
                Destroy(_root);
            _root = null;
            _builtFor = null;
        }
    }
}
