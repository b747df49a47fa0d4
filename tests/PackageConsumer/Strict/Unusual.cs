using System;
using Uffd;

#pragma warning disable CA1050 // the global namespace is the case under test
/// <summary>A region in the global namespace.</summary>
[FaultRegion(Pages = 4)]
public sealed partial class GlobalRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(9);
}
#pragma warning restore CA1050

namespace Strict.Unusual
{
    /// <summary>An abstract region: subclasses say what a page holds.</summary>
    [FaultRegion(Pages = 4)]
    public abstract partial class Procedural
    {
        /// <summary>The byte every byte of the page is set to.</summary>
        /// <param name="pageIndex">The page.</param>
        /// <returns>The byte.</returns>
        protected abstract byte ValueOf(long pageIndex);

        [PageProvider]
        private void Fill(long pageIndex, Span<byte> page) => page.Fill(ValueOf(pageIndex));
    }

    /// <summary>A ref struct holding a nested region type.</summary>
    public ref partial struct Scanner
    {
        private int _position;

        /// <summary>Advances the scanner.</summary>
        /// <returns>The new position.</returns>
        public int Advance() => ++_position;

#pragma warning disable CA1034 // nested public types are the case under test
        /// <summary>Nested in a ref struct.</summary>
        [FaultRegion(Pages = 4)]
        public sealed partial class Window
        {
            [PageProvider]
            private static void Fill(long pageIndex, Span<byte> page) => page.Fill(10);
        }
#pragma warning restore CA1034
    }
}
