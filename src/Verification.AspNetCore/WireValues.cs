using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Verification.AspNetCore;

/// <summary>
/// Parses the <c>target</c> and <c>usage</c> values exactly as the enums' JSON names spell them (case-sensitive;
/// numbers are not values), so that the enums' <c>JsonStringEnumMemberName</c> attributes stay the one source.
/// </summary>
internal static class WireValues
{
    private static readonly FrozenDictionary<string, VerificationTarget> Targets = Build(VerificationJsonContext.Default.VerificationTarget);
    private static readonly FrozenDictionary<string, VerificationUsage> Usages = Build(VerificationJsonContext.Default.VerificationUsage);

    public static bool TryParseTarget(string value, out VerificationTarget target) => Targets.TryGetValue(value, out target);

    public static bool TryParseUsage(string value, out VerificationUsage usage) => Usages.TryGetValue(value, out usage);

    /// <summary>The wire spelling of <paramref name="value"/>, for example <c>NOT_USER</c>.</summary>
    public static string Of<TEnum>(TEnum value, JsonTypeInfo<TEnum> typeInfo)
        where TEnum : struct, Enum => JsonSerializer.Serialize(value, typeInfo).Trim('"');

    private static FrozenDictionary<string, TEnum> Build<TEnum>(JsonTypeInfo<TEnum> typeInfo)
        where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().ToFrozenDictionary(value => Of(value, typeInfo), StringComparer.Ordinal);
}
