using System;
using System.Collections.Generic;

namespace PoseBridge
{
    /// <summary>
    /// One view (a skeleton's GameObjects, a label...) per person other than the primary one, by id, reusing the
    /// views of people who left: once the pool has grown to the most people seen at once, people coming and going
    /// allocate nothing. Main thread only.
    /// </summary>
    /// <remarks>
    /// Per frame: <see cref="Retire"/> with the frame's people (the primary person first, as the protocol sends
    /// them), then for everyone else <see cref="Take"/> their view, or a spare one, or <c>null</c>, and then
    /// <see cref="Add"/> a new view. A person who becomes the primary one gives their view back (the primary has a
    /// view of its own); one who stops being primary takes a spare one.
    /// </remarks>
    public sealed class PersonPool<T> where T : class
    {
        readonly Dictionary<long, T> _active = new Dictionary<long, T>();
        readonly List<long> _order = new List<long>(); // ids in _active, in the order they got their views
        readonly List<T> _spare = new List<T>();

        /// <summary>Views in use.</summary>
        public int Active { get { return _active.Count; } }

        /// <summary>Views waiting for someone.</summary>
        public int Spare { get { return _spare.Count; } }

        /// <summary>
        /// Give back the views of people not in <paramref name="people"/> (null or empty: everyone) and of the
        /// primary person (<c>people[0]</c>); <paramref name="onRetire"/> (may be null) is called for each, e.g. to
        /// hide it. Views are given back in the order their people got them.
        /// </summary>
        public void Retire(List<PersonMessage> people, Action<T> onRetire)
        {
            PersonMessage primary = people != null && people.Count > 0 ? people[0] : null;
            for (int i = 0; i < _order.Count; i++)
            {
                long id = _order[i];
                if (primary != null && id != primary.Id && People.Find(people, id) != null)
                    continue;
                T view = _active[id];
                _active.Remove(id);
                _order.RemoveAt(i--);
                _spare.Add(view);
                if (onRetire != null)
                    onRetire(view);
            }
        }

        /// <summary>
        /// Person <paramref name="id"/>'s view: theirs (<paramref name="reused"/> false), else the most recently
        /// retired spare one, now theirs (<paramref name="reused"/> true: re-tint it), else null (make one and
        /// <see cref="Add"/> it).
        /// </summary>
        public T Take(long id, out bool reused)
        {
            reused = false;
            T view;
            if (_active.TryGetValue(id, out view))
                return view;
            if (_spare.Count == 0)
                return null;
            view = _spare[_spare.Count - 1];
            _spare.RemoveAt(_spare.Count - 1);
            _active.Add(id, view);
            _order.Add(id);
            reused = true;
            return view;
        }

        /// <summary>
        /// Person <paramref name="id"/>'s view, or null when they have none (not seen since the last
        /// <see cref="Retire"/>, the primary person, or retired). Unlike <see cref="Take"/>, hands out no spare view.
        /// </summary>
        public T Get(long id)
        {
            T view;
            return _active.TryGetValue(id, out view) ? view : null;
        }

        /// <summary>Make <paramref name="view"/> person <paramref name="id"/>'s. Throws if they have one.</summary>
        public void Add(long id, T view)
        {
            if (view == null)
                throw new ArgumentNullException("view");
            _active.Add(id, view);
            _order.Add(id);
        }

        /// <summary>Every view, in use or spare (e.g. to destroy them), then none: the pool is empty.</summary>
        public List<T> Drain()
        {
            var all = new List<T>(_active.Values);
            all.AddRange(_spare);
            _active.Clear();
            _order.Clear();
            _spare.Clear();
            return all;
        }
    }
}
