using System;
using Region = Uffd.FaultRegionAttribute;
using Provider = Uffd.PageProviderAttribute;

namespace Corpus.AliasedAttributeNames
{
    // A code base that aliases the attributes, and one that spells them out in full.
    [Region(Pages = 8)]
    public sealed partial class Aliased
    {
        [Provider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
    }

    [Uffd.FaultRegionAttribute(Pages = 8, Mode = Uffd.FaultMode.Missing)]
    internal sealed partial class Qualified
    {
        [Uffd.PageProviderAttribute]
        internal static void Fill(long pageIndex, System.Span<byte> page) => page.Fill(2);
    }
}
