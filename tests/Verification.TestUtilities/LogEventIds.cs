using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Verification.TestUtilities;

/// <summary>The source-generated log messages of a package, read from its <see cref="LoggerMessageAttribute"/>s.</summary>
public static class LogEventIds
{
    /// <summary>Every <c>[LoggerMessage]</c> method of <paramref name="assembly"/> with its attribute.</summary>
    public static IReadOnlyList<(MethodInfo Method, LoggerMessageAttribute Attribute)> Of(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(x => x.Attribute is not null)
            .ToList();

    /// <summary>Asserts that <paramref name="assembly"/> logs, with event ids that are unique and inside its range.</summary>
    public static void AssertUniqueInRange(Assembly assembly, int min, int max)
    {
        var ids = Of(assembly).Select(x => x.Attribute.EventId).ToList();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, min, max));
    }
}
