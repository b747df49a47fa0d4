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
    public CallbackSignature(CallbackInput input, bool returnsPageFill, bool isAsynchronous = false)
    {
        Input = input;
        ReturnsPageFill = returnsPageFill;
        IsAsynchronous = isAsynchronous;
    }

    public CallbackInput Input { get; }

    /// <summary>
    /// True for a provider returning <c>PageFill</c> (or <c>ValueTask&lt;PageFill&gt;</c>); false for one returning void
    /// (or <c>ValueTask</c>), and for write handlers.
    /// </summary>
    public bool ReturnsPageFill { get; }

    /// <summary>
    /// True for an asynchronous provider: <c>ValueTask</c> or <c>ValueTask&lt;PageFill&gt;</c> M(input, Memory&lt;byte&gt;,
    /// CancellationToken).
    /// </summary>
    public bool IsAsynchronous { get; }
}

/// <summary>
/// The result of checking a provider's or write handler's signature: the signature when it is supported, otherwise
/// why not, worded as the " (...)" suffix of UFFD0020 and UFFD0023.
/// </summary>
internal readonly struct CallbackSignatureCheck
{
    private CallbackSignatureCheck(CallbackSignature? signature, string reason)
    {
        Signature = signature;
        Reason = reason;
    }

    /// <summary>The supported signature, or null.</summary>
    public CallbackSignature? Signature { get; }

    /// <summary>Why the signature is not supported (" (it is generic)", ...); empty when it is.</summary>
    public string Reason { get; }

    public static CallbackSignatureCheck Supported(CallbackSignature signature) => new(signature, string.Empty);

    public static CallbackSignatureCheck Rejected(string reason) => new(null, reason);
}
