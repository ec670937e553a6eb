// Compile-only stub of UnityEditor (see README.md): what unity/Editor uses.
using System;

namespace UnityEditor
{
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed partial class MenuItem : Attribute
    {
        public MenuItem(string itemName) { }
        public MenuItem(string itemName, bool isValidateFunction) { }
        public MenuItem(string itemName, bool isValidateFunction, int priority) { }
    }

    public static partial class Undo
    {
        public static void RegisterCreatedObjectUndo(UnityEngine.Object objectToUndo, string name) { }
        public static T AddComponent<T>(UnityEngine.GameObject gameObject) where T : UnityEngine.Component { return null; }
        public static void RecordObject(UnityEngine.Object objectToUndo, string name) { }
    }

    public static partial class Selection
    {
        public static UnityEngine.GameObject activeGameObject { get; set; }
    }
}
