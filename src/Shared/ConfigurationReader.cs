using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Verification.Shared;

/// <summary>
/// Reads one configuration section into options, strictly and without reflection (so it works under trimming and
/// Native AOT): every package of Verification binds its section with it, instead of <c>ConfigurationBinder</c>.
/// </summary>
/// <remarks>
/// <para>A value that cannot be read (a word where a number is expected, an unknown name in an enum or in a list of
/// enum names, a section where a value is expected) and a key the options do not have (a typo) become errors that
/// name the full key and say what to write instead; they are reported together by the validation at start. Absent
/// or empty keys leave the current value (the default, or an earlier section).</para>
/// <para>A list takes either children (<c>AllowedRegions:0=US</c>, a JSON array) or one value separated by commas or
/// semicolons (<c>AllowedRegions=US,CA</c>, handy in environment variables); a configured list replaces the default
/// instead of being appended to it.</para>
/// </remarks>
internal sealed class ConfigurationReader
{
    private readonly IConfiguration _section;
    private readonly List<string> _errors;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ConfigurationReader> _children = [];

    /// <summary>Starts reading <paramref name="section"/>, whose full key is <paramref name="path"/>.</summary>
    public ConfigurationReader(IConfiguration section, string path)
        : this(section, path, [])
    {
    }

    private ConfigurationReader(IConfiguration section, string path, List<string> errors)
    {
        _section = section;
        Path = path;
        _errors = errors;
    }

    /// <summary>The section's full key, for example <c>Verification:Phone</c>.</summary>
    public string Path { get; }

    /// <summary>
    /// The errors found so far, including unknown keys of this section and of every section read through it (call
    /// after reading every key).
    /// </summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            var errors = new List<string>(_errors);
            AddUnknownKeys(errors);
            return errors;
        }
    }

    /// <summary>Adds an error about <paramref name="key"/> of this section.</summary>
    public void Fail(string key, string message) => _errors.Add($"{Path}:{key} {message}");

    /// <summary>Marks keys as known without reading them: keys another package reads from the same section.</summary>
    public void Allow(params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            _known.Add(key);
        }
    }

    /// <summary>The trimmed value of <paramref name="key"/>; null when absent or empty.</summary>
    public string? String(string key)
    {
        _known.Add(key);
        var child = _section.GetSection(key);
        if (child.Value?.Trim() is { Length: > 0 } value)
        {
            return value;
        }

        if (child.GetChildren().Any())
        {
            Fail(key, "is a section, not a value; give it one value.");
        }

        return null;
    }

    /// <summary>The whole number at <paramref name="key"/>; null when absent.</summary>
    public int? Int(string key) =>
        String(key) is { } value
            ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : Invalid<int>(key, value, "is not a whole number; write digits only, for example 10.")
            : null;

    /// <summary>The number at <paramref name="key"/>; null when absent.</summary>
    public double? Double(string key) =>
        String(key) is { } value
            ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : Invalid<double>(key, value, "is not a number; write for example 0.5 (a dot, no thousands separator).")
            : null;

    /// <summary>The true or false at <paramref name="key"/>; null when absent.</summary>
    public bool? Bool(string key) =>
        String(key) is { } value
            ? bool.TryParse(value, out var parsed) ? parsed : Invalid<bool>(key, value, "is not true or false.")
            : null;

    /// <summary>The duration at <paramref name="key"/> in <c>[d.]hh:mm:ss[.fff]</c> form; null when absent.</summary>
    /// <remarks>A bare number is read as days, as .NET reads it; the options' validation then refuses implausible values.</remarks>
    public TimeSpan? TimeSpan(string key) =>
        String(key) is { } value
            ? System.TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed : Invalid<TimeSpan>(key, value, "is not a duration; write hh:mm:ss, for example 00:10:00 for ten minutes.")
            : null;

    /// <summary>The URL at <paramref name="key"/>; null when absent. Its scheme and host are checked by the options' validation.</summary>
    public Uri? Uri(string key, string hint)
    {
        if (String(key) is not { } value)
        {
            return null;
        }

        if (System.Uri.TryCreate(value, UriKind.Absolute, out var parsed))
        {
            return parsed;
        }

        Fail(key, $"'{value}' is not an absolute http(s) URL; {hint}");
        return null;
    }

    /// <summary>The enum member named at <paramref name="key"/> (names only, any case; numbers are refused); null when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="what">What the value names, for the error, for example "captcha provider".</param>
    public TEnum? Enum<TEnum>(string key, string what = "value")
        where TEnum : struct, Enum =>
        String(key) is { } value
            ? ParseEnum<TEnum>(value) is { } parsed ? parsed : Invalid<TEnum>(key, value, $"is not a known {what}; use {Names<TEnum>()}.")
            : null;

    /// <summary>The list at <paramref name="key"/> (children, or one value separated by commas or semicolons); null when absent.</summary>
    public List<string>? StringList(string key)
    {
        _known.Add(key);
        var child = _section.GetSection(key);
        var items = child.GetChildren().ToList();
        if (items.Count == 0)
        {
            return child.Value?.Trim() is { Length: > 0 } value
                ? [.. value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                : null;
        }

        var list = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item.GetChildren().Any())
            {
                Fail($"{key}:{item.Key}", "is a section, not a value; the list takes plain values.");
            }
            else if (item.Value?.Trim() is { Length: > 0 } value)
            {
                list.Add(value);
            }
        }

        return list;
    }

    /// <summary>The list of enum names at <paramref name="key"/>; an unknown name is an error, never dropped. Null when absent.</summary>
    public List<TEnum>? EnumList<TEnum>(string key)
        where TEnum : struct, Enum
    {
        if (StringList(key) is not { } names)
        {
            return null;
        }

        var list = new List<TEnum>(names.Count);
        foreach (var name in names)
        {
            if (ParseEnum<TEnum>(name) is { } parsed)
            {
                list.Add(parsed);
            }
            else
            {
                Fail(key, $"has '{name}', which is not a known value; use {Names<TEnum>()}.");
            }
        }

        return list;
    }

    /// <summary>A reader of the child section <paramref name="key"/>; its errors and unknown keys are reported with this reader's.</summary>
    public ConfigurationReader Section(string key)
    {
        _known.Add(key);
        var child = new ConfigurationReader(_section.GetSection(key), $"{Path}:{key}", _errors);
        _children.Add(child);
        if (_section.GetSection(key).Value?.Trim() is { Length: > 0 })
        {
            Fail(key, "is a value, but it is a section; set its keys instead (for example " + key + ":…).");
        }

        return child;
    }

    /// <summary>Readers of the items of the list of sections at <paramref name="key"/> (a JSON array of objects); null when absent.</summary>
    public List<ConfigurationReader>? Sections(string key)
    {
        var children = _section.GetSection(key).GetChildren().ToList();
        var list = Section(key);
        if (children.Count == 0)
        {
            return null;
        }

        return [.. children.Select(c => list.Section(c.Key))];
    }

    private T? Invalid<T>(string key, string value, string message)
        where T : struct
    {
        _errors.Add($"{Path}:{key} '{value}' {message}");
        return null;
    }

    private static TEnum? ParseEnum<TEnum>(string value)
        where TEnum : struct, Enum =>
        value.Length > 0 && !char.IsAsciiDigit(value[0]) && value[0] is not ('-' or '+')
            && System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed)
            ? parsed
            : null;

    private static string Names<TEnum>()
        where TEnum : struct, Enum
    {
        var names = System.Enum.GetNames<TEnum>();
        return names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    private void AddUnknownKeys(List<string> errors)
    {
        foreach (var child in _section.GetChildren())
        {
            if (!_known.Contains(child.Key))
            {
                errors.Add(_known.Count == 0
                    ? $"{Path}:{child.Key} is not a setting; {Path} has no keys of its own. Remove it or check its spelling."
                    : $"{Path}:{child.Key} is not a setting; the keys of {Path} are {string.Join(", ", _known.Order(StringComparer.OrdinalIgnoreCase))}. Remove it or check its spelling.");
            }
        }

        foreach (var child in _children)
        {
            child.AddUnknownKeys(errors);
        }
    }
}
