using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Moves this GameObject (a camera) along with the hips of a <see cref="SkeletonView"/>'s primary person,
    /// smoothed, and turns it towards them.
    /// </summary>
    /// <remarks>
    /// The maths is <see cref="FollowMath"/> in the plain C# core (frame-rate independent catch-up). Runs in
    /// <c>LateUpdate</c> after the view has shown the newest pose; does nothing until the view knows where the hips are.
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Follow Camera")]
    [DefaultExecutionOrder(100)]
    public sealed class FollowCamera : MonoBehaviour
    {
        [Tooltip("The skeleton whose primary person to follow.")]
        [SerializeField] SkeletonView _target;

        [Tooltip(Tooltips.CameraOffset)]
        [SerializeField] Vector3 _offset = new Vector3(0f, 0.2f, -3f);

        [Tooltip(Tooltips.Smoothing)]
        [SerializeField] float _smoothing = 4f;

        [Tooltip(Tooltips.LookAt)]
        [SerializeField] bool _lookAt = true;

        [Tooltip(Tooltips.LookAtOffset)]
        [SerializeField] Vector3 _lookAtOffset = Vector3.zero;

        public SkeletonView Target { get { return _target; } set { _target = value; } }
        public Vector3 Offset { get { return _offset; } set { _offset = value; } }

        /// <summary>Catch-up rate in 1/s; 0 or less: none (the camera jumps).</summary>
        public float Smoothing { get { return _smoothing; } set { _smoothing = value; } }

        public bool LookAt { get { return _lookAt; } set { _lookAt = value; } }
        public Vector3 LookAtOffset { get { return _lookAtOffset; } set { _lookAtOffset = value; } }

        void LateUpdate()
        {
            if (_target == null || !_target.HasHips)
                return;
            Vector3 hips = _target.Hips;
            Vec3 p = FollowMath.Step(ToVec(transform.position), ToVec(hips), ToVec(_offset), _smoothing, Time.deltaTime);
            transform.position = new Vector3((float)p.X, (float)p.Y, (float)p.Z);
            if (_lookAt)
                transform.LookAt(hips + _lookAtOffset);
        }

        static Vec3 ToVec(Vector3 v)
        {
            return new Vec3(v.x, v.y, v.z);
        }
    }
}
