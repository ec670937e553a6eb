using System;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// <c>GameObject.CreatePrimitive</c> without its pitfall in player builds: the components it adds (MeshFilter,
    /// MeshRenderer and a Collider) are created by native code, so IL2CPP builds with "Strip Engine Code" remove
    /// their classes unless managed code references them, and CreatePrimitive then fails. This class references
    /// them, which keeps them in every build of a project that has this package (the samples rely on it too).
    /// </summary>
    public static class Primitives
    {
        /// <summary>The component types CreatePrimitive needs; referencing them keeps them from being stripped.</summary>
        public static readonly Type[] Components =
        {
            typeof(MeshFilter), typeof(MeshRenderer), typeof(BoxCollider), typeof(SphereCollider),
            typeof(CapsuleCollider), typeof(MeshCollider),
        };

        /// <summary>A primitive named <paramref name="name"/>; its collider is removed unless <paramref name="keepCollider"/>.</summary>
        public static GameObject Create(PrimitiveType type, string name, bool keepCollider = false)
        {
            GameObject go = GameObject.CreatePrimitive(type);
            go.name = name;
            if (!keepCollider)
            {
                var collider = go.GetComponent<Collider>();
                if (collider != null)
                    UnityEngine.Object.Destroy(collider);
            }
            return go;
        }

        /// <summary>
        /// A shader for bone lines, whose colours and fading are vertex colours and alpha: Sprites/Default (built-in
        /// and URP; always included in builds of new projects), else URP's particle shader; null when neither is in
        /// the build. Never "Standard": magenta in URP/HDRP and blind to vertex colours.
        /// </summary>
        public static Shader FindLineShader()
        {
            Shader shader = Shader.Find("Sprites/Default");
            return shader != null ? shader : Shader.Find("Universal Render Pipeline/Particles/Unlit");
        }

        /// <summary>A bone line: a disabled two-point LineRenderer in world space on a new GameObject under <paramref name="parent"/>.</summary>
        public static LineRenderer Line(string name, Transform parent, Material material, float width, Color color)
        {
            var go = new GameObject(name);
            go.transform.SetParent(parent, false);
            LineRenderer line = go.AddComponent<LineRenderer>();
            line.sharedMaterial = material;
            line.positionCount = 2;
            line.useWorldSpace = true;
            line.startWidth = line.endWidth = width;
            line.startColor = line.endColor = color;
            line.enabled = false;
            return line;
        }
    }
}
