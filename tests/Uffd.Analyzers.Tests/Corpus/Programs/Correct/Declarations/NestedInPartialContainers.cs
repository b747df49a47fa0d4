using System;
using Uffd;

namespace Corpus.NestedInPartialContainers
{
    /// <summary>A texture cache whose backing store is a private nested region.</summary>
    public sealed partial class TextureCache : IDisposable
    {
        private readonly Backing _backing = new();

        public TextureCache(long textures) => _backing.Open(textures);

        public ReadOnlySpan<byte> Texture(long index) => _backing.AsReadOnlySpan(index * _backing.PageSize, _backing.PageSize);

        public void Dispose() => _backing.Dispose();

        [FaultRegion(HandlerThreads = 2)]
        private sealed partial class Backing
        {
            [PageProvider]
            private static void Decode(long pageIndex, Span<byte> page)
            {
                for (int i = 0; i < page.Length; i += 4)
                {
                    page[i] = (byte)pageIndex;       // red
                    page[i + 1] = (byte)(i >> 4);    // green
                    page[i + 2] = 0x80;              // blue
                    page[i + 3] = 0xff;              // alpha
                }
            }
        }
    }

    public static partial class Assets
    {
        public partial struct Atlas
        {
            [FaultRegion(Pages = 16)]
            internal sealed partial class Tiles
            {
                [PageProvider]
                private void Fill(PageFaultContext context, Span<byte> page) => page.Fill((byte)context.PageIndex);
            }
        }
    }
}
