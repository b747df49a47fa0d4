namespace Uffd.Torture.Adversarial;

/// <summary>The <c>ok ...</c> / <c>fail ...</c> lines of one case, each prefixed with what it is about.</summary>
internal sealed class Report(string prefix)
{
    public int Failures { get; private set; }

    /// <summary>Prints <c>ok PREFIX passed</c> when <paramref name="condition"/> holds, <c>fail PREFIX failed</c> otherwise.</summary>
    public void Expect(bool condition, string passed, string failed)
    {
        Output.Line(condition ? $"ok {prefix} {passed}" : $"fail {prefix} {failed}");
        Failures += condition ? 0 : 1;
    }
}
