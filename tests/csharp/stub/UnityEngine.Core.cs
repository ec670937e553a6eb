// Compile-only stub of UnityEngine (see README.md): object model.
// Declarations follow Unity's reference source (UnityCsReference, Runtime/Export/Scripting): Object's ==/!= (a
// destroyed object equals null), Transform enumerating only as a non-generic IEnumerable, sealed GameObject.
// Members Unity made obsolete are marked so under the version defines run.sh compiles the second pass with
// (UNITY_2022_2_OR_NEWER, UNITY_2023_1_OR_NEWER), so code using them unguarded fails like it would in Unity.
using System;
using System.Collections;

namespace UnityEngine
{
    public partial class Object
    {
        public string name { get; set; }
        public static void Destroy(Object obj) { }
        public static void Destroy(Object obj, float t) { }
        public static void DestroyImmediate(Object obj) { }
        public static void DontDestroyOnLoad(Object target) { }
        public static T Instantiate<T>(T original) where T : Object { return original; }
#if UNITY_2023_1_OR_NEWER
        [Obsolete("Object.FindObjectOfType has been deprecated. Use Object.FindFirstObjectByType instead or if finding any instance is acceptable the faster Object.FindAnyObjectByType", false)]
#endif
        public static T FindObjectOfType<T>() where T : Object { return null; }
#if UNITY_2023_1_OR_NEWER
        public static T FindFirstObjectByType<T>() where T : Object { return null; }
        public static T FindAnyObjectByType<T>() where T : Object { return null; }
#endif
        public int GetInstanceID() { return 0; }
        public static implicit operator bool(Object exists) { return !ReferenceEquals(exists, null); }
        public static bool operator ==(Object x, Object y) { return ReferenceEquals(x, y); }
        public static bool operator !=(Object x, Object y) { return !ReferenceEquals(x, y); }
        public override bool Equals(object other) { return ReferenceEquals(this, other); }
        public override int GetHashCode() { return 0; }
    }

    public enum FindObjectsInactive { Exclude, Include }

    public sealed partial class Coroutine : YieldInstruction
    {
        private Coroutine() { }
    }

    public partial class Component : Object
    {
        public GameObject gameObject { get { return null; } }
        public Transform transform { get { return null; } }
        public string tag { get; set; }
        public T GetComponent<T>() { return default(T); }
        public T GetComponentInChildren<T>() { return default(T); }
        public T GetComponentInParent<T>() { return default(T); }
        public Component GetComponent(Type type) { return null; }
        public bool TryGetComponent<T>(out T component) { component = default(T); return false; }
    }

    public partial class Behaviour : Component
    {
        public bool enabled { get; set; }
        public bool isActiveAndEnabled { get { return enabled; } }
    }

    public partial class MonoBehaviour : Behaviour
    {
        public Coroutine StartCoroutine(IEnumerator routine) { return null; }
        public void StopCoroutine(IEnumerator routine) { }
        public void StopCoroutine(Coroutine routine) { }
        public void StopAllCoroutines() { }
        public void Invoke(string methodName, float time) { }
        public static void print(object message) { }
    }

    public partial class ScriptableObject : Object
    {
        public static T CreateInstance<T>() where T : ScriptableObject { return null; }
    }

    public sealed partial class GameObject : Object
    {
        public GameObject() { }
        public GameObject(string name) { this.name = name; }
        public GameObject(string name, params Type[] components) { this.name = name; }
        public Transform transform { get { return null; } }
        public bool activeSelf { get { return false; } }
        public bool activeInHierarchy { get { return false; } }
        public int layer { get; set; }
        public string tag { get; set; }
        public void SetActive(bool value) { }
        public T AddComponent<T>() where T : Component { return null; }
        public Component AddComponent(Type componentType) { return null; }
        public T GetComponent<T>() { return default(T); }
        public T GetComponentInChildren<T>() { return default(T); }
        public T[] GetComponentsInChildren<T>() { return new T[0]; }
        public bool TryGetComponent<T>(out T component) { component = default(T); return false; }
        public static GameObject CreatePrimitive(PrimitiveType type) { return new GameObject(); }
        public static GameObject Find(string name) { return null; }
        public static GameObject FindWithTag(string tag) { return null; }
    }

    public partial class Transform : Component, IEnumerable
    {
        public Vector3 position { get; set; }
        public Vector3 localPosition { get; set; }
        public Vector3 eulerAngles { get; set; }
        public Vector3 localEulerAngles { get; set; }
        public Quaternion rotation { get; set; }
        public Quaternion localRotation { get; set; }
        public Vector3 localScale { get; set; }
        public Vector3 lossyScale { get { return localScale; } }
        public Vector3 forward { get; set; }
        public Vector3 up { get; set; }
        public Vector3 right { get; set; }
        public Transform parent { get; set; }
        public Transform root { get { return this; } }
        public int childCount { get { return 0; } }
        public Transform GetChild(int index) { return null; }
        public Transform Find(string n) { return null; }
        public void SetParent(Transform p) { }
        public void SetParent(Transform p, bool worldPositionStays) { }
        public void SetPositionAndRotation(Vector3 position, Quaternion rotation) { }
        public void LookAt(Transform target) { }
        public void LookAt(Vector3 worldPosition) { }
        public void LookAt(Vector3 worldPosition, Vector3 worldUp) { }
        public void Rotate(Vector3 eulers) { }
        public void Translate(Vector3 translation) { }
        public Vector3 TransformPoint(Vector3 position) { return position; }
        public Vector3 InverseTransformPoint(Vector3 position) { return position; }
        public Vector3 TransformDirection(Vector3 direction) { return direction; }
        public IEnumerator GetEnumerator() { yield break; }
    }

    public enum PrimitiveType { Sphere, Capsule, Cylinder, Cube, Plane, Quad }

    public partial class Collider : Component { }
    public partial class BoxCollider : Collider { }
    public partial class SphereCollider : Collider { }
    public partial class CapsuleCollider : Collider { }
    public partial class MeshCollider : Collider { }
}
