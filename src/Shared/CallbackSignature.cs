namespace Uffd.SourceGeneration;

/// <summary>What a provider's or write handler's first parameter is.</summary>
internal enum CallbackInput
{
    /// <summary><c>long pageIndex</c>.</summary>
    PageIndex,
    /// <summary><c>PageFaultContext context</c> (by value).</summary>
    Context,
    /// <summary><c>in PageFaultContext context</c>.</summary>
    InContext,
}

/// <summary>A supported provider or write-handler signature.</summary>
internal readonly struct CallbackSignature
{
    public CallbackSignature(CallbackInput input, bool returnsPageFill)
    {
        Input = input;
        ReturnsPageFill = returnsPageFill;
    }

    public CallbackInput Input { get; }

    /// <summary>True for a provider returning <c>PageFill</c>; false for one returning void (and for write handlers).</summary>
    public bool ReturnsPageFill { get; }
}
