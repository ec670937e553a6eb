using System;
using System.Collections.Generic;

namespace PoseBridge
{
    /// <summary>One person's hands on a figure for this frame (an entry of <see cref="HandFigures{T}.Place"/>).</summary>
    public struct PlacedHands<T>
    {
        /// <summary>The figure that draws this person's hands.</summary>
        public T Figure;

        /// <summary>
        /// The person's id, to find their wrists by (<c>SkeletonView.GetJoint(personId, landmark)</c>); 0 for the
        /// primary person of a frame without <c>people</c> (a single-person stream).
        /// </summary>
        public long PersonId;

        /// <summary>Whether this is the primary person (the frame's own hands; drawn by the view's primary figure).</summary>
        public bool Primary;

        /// <summary>The left hand; null when it was not found in this frame (hide that side at once).</summary>
        public HandMessage Left;

        /// <summary>The right hand; null when it was not found in this frame.</summary>
        public HandMessage Right;
    }

    /// <summary>
    /// Which person's hands go on which hand figure (a <c>HandsView</c>'s GameObjects for one person's two hands),
    /// frame by frame: the primary person on a figure of their own, everyone else on figures from a
    /// <see cref="PersonPool{T}"/>, so people coming and going reuse the figures of people who left. Plain C#, no
    /// UnityEngine; main thread only.
    /// </summary>
    /// <remarks>
    /// Whose hands, as a SkeletonView's Person Id / Show Everyone and an AvatarDriver's Person Id choose people:
    /// <list type="bullet">
    /// <item><c>personId</c> 0 with <c>everyone</c>: everyone in the frame (what a view with Show Everyone draws);</item>
    /// <item><c>personId</c> 0 without <c>everyone</c>: the primary person (a view that draws one person);</item>
    /// <item>another <c>personId</c>: that person only, when in the frame (on the primary figure when they are the
    /// primary person); nobody when the frame has no <c>people</c>.</item>
    /// </list>
    /// A person is placed only when at least one of their hands is in the frame. Figures of people not placed
    /// (gone, no hands, not chosen) are given to <c>hide</c> at once: a pooled one when its person is let go, the
    /// primary one whenever the primary person is not placed.
    /// </remarks>
    public sealed class HandFigures<T> where T : class
    {
        readonly PersonPool<T> _others = new PersonPool<T>();
        readonly List<PersonMessage> _kept = new List<PersonMessage>(); // the primary person, then the others placed
        readonly List<PlacedHands<T>> _placed = new List<PlacedHands<T>>();
        T _primary;

        /// <summary>Figures in use by people other than the primary person.</summary>
        public int ActiveOthers { get { return _others.Active; } }

        /// <summary>Pooled figures waiting for someone.</summary>
        public int Spare { get { return _others.Spare; } }

        /// <summary>
        /// The figures for <paramref name="frame"/>'s hands (see the remarks for whose), the primary person first,
        /// then the others in the frame's order. <paramref name="make"/> makes a figure when none is free;
        /// <paramref name="hide"/> (may be null) is called for each figure not used this frame (called every
        /// frame for an unused primary figure, once for a pooled one). A null <paramref name="frame"/> (no hands
        /// in the stream) places nobody and hides every figure. The list returned is reused by the next call.
        /// </summary>
        public List<PlacedHands<T>> Place(FrameMessage frame, long personId, bool everyone, Func<T> make, Action<T> hide)
        {
            if (make == null)
                throw new ArgumentNullException("make");
            _placed.Clear();
            _kept.Clear();
            List<PersonMessage> people = frame != null ? frame.People : null;
            bool hasPeople = people != null && people.Count > 0;
            long primaryId = hasPeople ? people[0].Id : 0;
            if (hasPeople)
                _kept.Add(people[0]); // the primary person has the primary figure: the pool gives theirs back
            bool primaryPlaced = false;
            if (frame != null && (personId == 0 || (hasPeople && personId == primaryId)))
            {
                HandMessage left = Hands.Find(frame, personId, true), right = Hands.Find(frame, personId, false);
                if (left != null || right != null)
                {
                    if (_primary == null)
                        _primary = Made(make);
                    _placed.Add(new PlacedHands<T> { Figure = _primary, PersonId = primaryId, Primary = true, Left = left, Right = right });
                    primaryPlaced = true;
                }
            }
            if (!primaryPlaced && _primary != null && hide != null)
                hide(_primary);
            if (hasPeople)
                for (int k = 1; k < people.Count; k++)
                {
                    PersonMessage person = people[k];
                    if ((personId == 0 ? everyone : person.Id == personId) && (person.LeftHand != null || person.RightHand != null))
                        _kept.Add(person);
                }
            _others.Retire(_kept.Count > 0 ? _kept : null, hide);
            for (int k = 1; k < _kept.Count; k++)
            {
                PersonMessage person = _kept[k];
                bool reused;
                T figure = _others.Take(person.Id, out reused);
                if (figure == null)
                {
                    figure = Made(make);
                    _others.Add(person.Id, figure);
                }
                _placed.Add(new PlacedHands<T> { Figure = figure, PersonId = person.Id, Left = person.LeftHand, Right = person.RightHand });
            }
            return _placed;
        }

        /// <summary>Every figure, the primary one first, in use or spare (e.g. to destroy them), then none.</summary>
        public List<T> Drain()
        {
            var all = new List<T>();
            if (_primary != null)
                all.Add(_primary);
            _primary = null;
            all.AddRange(_others.Drain());
            _placed.Clear();
            _kept.Clear();
            return all;
        }

        static T Made(Func<T> make)
        {
            T figure = make();
            if (figure == null)
                throw new InvalidOperationException("make gave no figure");
            return figure;
        }
    }
}
