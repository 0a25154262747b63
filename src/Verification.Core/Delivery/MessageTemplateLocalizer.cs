using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Verification;

/// <summary>
/// Message templates set in code (<c>AddMessageTemplate</c>): an <see cref="IStringLocalizer"/> over a dictionary,
/// each entry for one culture (and its children, <c>zh-Hant</c> for <c>zh-TW</c>) or for every culture.
/// </summary>
internal sealed class MessageTemplateLocalizer : IStringLocalizer
{
    private readonly Dictionary<(string Culture, string Name), string> _templates = [];

    /// <summary>Sets <paramref name="name"/> for <paramref name="culture"/> (null or empty: every culture).</summary>
    public void Set(string name, string template, string? culture)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(template);
        if (!VerificationMessageRenderer.Names.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a message template or word; use one of {string.Join(", ", VerificationMessageRenderer.Names)}.", nameof(name));
        }

        var cultureName = string.IsNullOrWhiteSpace(culture) ? string.Empty : CultureInfo.GetCultureInfo(culture.Trim()).Name;
        _templates[(cultureName, name)] = template;
    }

    public LocalizedString this[string name]
    {
        get
        {
            for (var culture = CultureInfo.CurrentUICulture; ; culture = culture.Parent)
            {
                if (_templates.TryGetValue((culture.Name, name), out var template))
                {
                    return new LocalizedString(name, template, resourceNotFound: false);
                }

                if (culture.Name.Length == 0)
                {
                    return new LocalizedString(name, name, resourceNotFound: true);
                }
            }
        }
    }

    public LocalizedString this[string name, params object[] arguments] =>
        this[name] is { ResourceNotFound: false } found
            ? new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, found.Value, arguments), resourceNotFound: false)
            : this[name];

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        VerificationMessageRenderer.Names.Select(name => this[name]).Where(static s => !s.ResourceNotFound);
}
