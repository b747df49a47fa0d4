using System;
using Uffd;

// Names a user may choose and answer for in their own code: a keyword namespace and class (CA1716, CS8981 here, in
// the user's file), underscores (CA1707), a long name. None of it may warn inside the generated file.
#pragma warning disable CA1716, CA1707, CS8981

namespace Strict.@event
{
    /// <summary>A keyword class name in a keyword namespace.</summary>
    [FaultRegion(Pages = 4)]
    public sealed partial class @class
    {
        [PageProvider]
        private static void @params(long pageIndex, Span<byte> page) => page.Fill(3);
    }

    /// <summary>A lower-case, unsealed region.</summary>
    [FaultRegion(Pages = 4)]
    public partial class lowercase
    {
        [PageProvider]
        private static void fill(long pageIndex, Span<byte> page) => page.Fill(4);
    }

    /// <summary>Underscores.</summary>
    [FaultRegion(Pages = 4)]
    public sealed partial class Page_Cache_Region
    {
        [PageProvider]
        private static void Fill_Page(long pageIndex, Span<byte> page) => page.Fill(5);
    }
}

namespace Strict.AVeryLongNamespaceSegmentNamedTheWayCodeGeneratorsAndEnterpriseTemplatesNameThingsWhenNobodyStopsThem.AndAnotherSegmentThatIsJustAsLongAsTheFirstOneBecauseConsistencyMattersMoreThanPathLengths.AndAThirdOneForGoodMeasureSoThatTheGeneratedPathCertainlyOverflowsWhatTheFileSystemAllows
{
    /// <summary>A long class name in a long namespace: the generated file's path must stay short (CS0016).</summary>
    [FaultRegion(Pages = 4)]
    public sealed partial class ARegionWhoseNameIsLongBecauseItDescribesEverythingItDoesInOneIdentifierFromTheFirstFaultToTheLastWriteAndThenSomeMoreWordsForTheFileSystemToChokeOnIfTheGeneratorWereNaive
    {
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Fill(6);
    }
}

namespace Strict.国际化
{
    /// <summary>A long name in a script of three UTF-8 bytes per character: the file name must stay under 255 bytes.</summary>
    [FaultRegion(Pages = 4)]
    public sealed partial class 区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域区域
    {
        [PageProvider]
        private static void 填充(long pageIndex, Span<byte> page) => page.Fill(11);
    }
}
