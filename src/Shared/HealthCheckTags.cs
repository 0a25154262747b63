namespace Verification;

/// <summary>The tags of Verification's health checks: always <c>verification</c>, plus the caller's.</summary>
internal static class HealthCheckTags
{
    public const string Verification = "verification";

    public static IEnumerable<string> With(IEnumerable<string>? tags) =>
        tags is null ? [Verification] : [Verification, .. tags.Where(static t => !string.Equals(t, Verification, StringComparison.Ordinal))];
}
