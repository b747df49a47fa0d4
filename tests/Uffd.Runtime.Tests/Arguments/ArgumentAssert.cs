namespace Uffd.Runtime.Tests.Arguments;

internal static class ArgumentAssert
{
    /// <summary>
    /// Asserts <paramref name="call"/> throws exactly <typeparamref name="T"/> for <paramref name="paramName"/>, with a
    /// message that states the broken rule in the given words.
    /// </summary>
    public static T Throws<T>(Action call, string paramName, params string[] words) where T : ArgumentException
    {
        T e = Assert.Throws<T>(call);
        Assert.Equal(paramName, e.ParamName);
        int suffix = e.Message.IndexOf($"(Parameter '{paramName}')", StringComparison.Ordinal);
        Assert.True(suffix == e.Message.LastIndexOf("(Parameter '", StringComparison.Ordinal), $"the parameter is named twice: {e.Message}");
        foreach (string word in words)
        {
            Assert.Contains(word, e.Message);
        }

        return e;
    }

    public static ArgumentException Throws(Action call, string paramName, params string[] words) =>
        Throws<ArgumentException>(call, paramName, words);
}
