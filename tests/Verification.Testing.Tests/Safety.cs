namespace Verification.Testing.Tests;

/// <summary>A safety net for waits that a broken build could leave hanging; no test relies on it elapsing.</summary>
internal static class Safety
{
    public static CancellationToken Token() => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;
}
