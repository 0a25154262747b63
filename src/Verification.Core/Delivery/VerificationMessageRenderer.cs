using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Localization;

namespace Verification;

/// <summary>
/// The library's message renderer: the wording of each channel and usage comes from string resources, looked up
/// through <see cref="IStringLocalizer"/>s in the message's culture, the app's first, then the built-in ones (English,
/// Simplified Chinese for <c>zh</c>, <c>zh-Hans</c>, <c>zh-CN</c>, and Traditional Chinese for <c>zh-Hant</c>,
/// <c>zh-TW</c>, <c>zh-HK</c>, each culture falling back to its parent).
/// </summary>
/// <remarks>
/// <para>Templates: <c>Sms</c>, <c>Email.Subject</c>, <c>Email.Lead</c>, <c>Email.Expiry</c> and <c>Email.Warning</c>,
/// each optionally per usage (<c>Sms.SignIn</c> is used for sign-in codes before <c>Sms</c>); the words they
/// insert: <c>Purpose</c> and <c>Purpose.{Usage}</c>, <c>Product</c> and <c>Product.Sms</c> (around the configured
/// product name), <c>Minutes</c> and <c>Minutes.One</c>. Placeholders: <c>{code}</c>, <c>{product}</c>,
/// <c>{purpose}</c>, <c>{minutes}</c>. An app's localizer needs only the entries it changes: a language of its own,
/// or one template.</para>
/// <para>An SMS ends with the Android SMS Retriever app hash and the WebOTP line (<c>@host #code</c>) when
/// <see cref="MessageRenderContext.AndroidAppHash"/> and <see cref="MessageRenderContext.WebOtpHost"/> are set.</para>
/// </remarks>
public sealed class VerificationMessageRenderer : IVerificationMessageRenderer
{
    /// <summary>The template and word names a localizer may provide.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        .. Templates,
        .. Templates.SelectMany(static t => Enum.GetNames<VerificationUsage>().Select(u => $"{t}.{u}")),
        "Purpose", .. Enum.GetNames<VerificationUsage>().Select(static u => "Purpose." + u),
        "Product", "Product.Sms", "Minutes", "Minutes.One",
    ];

    private static string[] Templates => ["Sms", "Email.Subject", "Email.Lead", "Email.Expiry", "Email.Warning"];

    private static readonly IStringLocalizer BuiltIn = new ResourceLocalizer(
        new System.Resources.ResourceManager("Verification.Delivery.VerificationMessages", typeof(VerificationMessageRenderer).Assembly));

    private readonly IStringLocalizer[] _localizers;

    /// <summary>The built-in wording only.</summary>
    public VerificationMessageRenderer()
        : this([])
    {
    }

    /// <summary>The wording of <paramref name="localizers"/> (the first that has an entry wins), then the built-in wording.</summary>
    /// <param name="localizers">The app's localizers, for example an <c>IStringLocalizer&lt;MyMessages&gt;</c> over the app's .resx files.</param>
    public VerificationMessageRenderer(IEnumerable<IStringLocalizer> localizers)
    {
        ArgumentNullException.ThrowIfNull(localizers);
        _localizers = [.. localizers, BuiltIn];
    }

    /// <inheritdoc />
    public RenderedMessage Render(MessageRenderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // IStringLocalizer reads in the current UI culture: the message's, for the time of the lookups.
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = context.Culture;
        try
        {
            return context.Channel == VerificationChannel.Sms ? RenderSms(context) : RenderEmail(context);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private RenderedMessage RenderSms(MessageRenderContext context)
    {
        var text = new StringBuilder(Fill(Template("Sms", context.Usage), context, "Product.Sms"));
        if (context.AndroidAppHash is { Length: > 0 } hash)
        {
            text.Append("\n\n").Append(hash);
        }

        if (context.WebOtpHost is { Length: > 0 } host)
        {
            // WebOTP: the origin-bound line is the last line of the message.
            text.Append("\n\n@").Append(host).Append(" #").Append(context.Code);
        }

        return new RenderedMessage(null, text.ToString(), null);
    }

    private RenderedMessage RenderEmail(MessageRenderContext context)
    {
        var subject = Fill(Template("Email.Subject", context.Usage), context, "Product");
        var lead = Fill(Template("Email.Lead", context.Usage), context, "Product");
        var expiry = Fill(Template("Email.Expiry", context.Usage), context, "Product");
        var warning = Fill(Template("Email.Warning", context.Usage), context, "Product");
        var body = $"{lead}\n\n    {context.Code}\n\n{expiry}\n{warning}\n";
        var html =
            "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">" +
            $"<p>{WebUtility.HtmlEncode(lead)}</p>" +
            $"<p style=\"font-size:28px;font-weight:bold;letter-spacing:4px\">{WebUtility.HtmlEncode(context.Code)}</p>" +
            $"<p>{WebUtility.HtmlEncode(expiry)}</p><p style=\"color:#666\">{WebUtility.HtmlEncode(warning)}</p>" +
            "</body></html>";
        return new RenderedMessage(subject, body, html);
    }

    /// <summary>The template <paramref name="name"/> of the usage (<c>Sms.SignIn</c>) or, without one, the general one.</summary>
    private string Template(string name, VerificationUsage? usage) =>
        (usage is { } u ? Find($"{name}.{u}") : null) ?? Find(name) ?? string.Empty;

    private string Fill(string template, MessageRenderContext context, string productEntry)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(context.Lifetime.TotalMinutes));
        var product = string.IsNullOrWhiteSpace(context.ProductName)
            ? string.Empty
            : (Find(productEntry) ?? "{product} ").Replace("{product}", context.ProductName.Trim(), StringComparison.Ordinal);
        var purpose = (context.Usage is { } usage ? Find("Purpose." + usage) : null) ?? Find("Purpose") ?? string.Empty;
        var lifetime = ((minutes == 1 ? Find("Minutes.One") : null) ?? Find("Minutes") ?? "{minutes}")
            .Replace("{minutes}", minutes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // The code last, so that a product name holding "{code}" stays text.
        return template
            .Replace("{purpose}", purpose, StringComparison.Ordinal)
            .Replace("{minutes}", lifetime, StringComparison.Ordinal)
            .Replace("{code}", context.Code, StringComparison.Ordinal)
            .Replace("{product}", product, StringComparison.Ordinal);
    }

    /// <summary>The entry <paramref name="name"/> of the first localizer that has it in the current UI culture.</summary>
    private string? Find(string name)
    {
        foreach (var localizer in _localizers)
        {
            var value = localizer[name];
            if (!value.ResourceNotFound)
            {
                return value.Value;
            }
        }

        return null;
    }

    /// <summary>An <see cref="IStringLocalizer"/> over a <see cref="System.Resources.ResourceManager"/>, in the current UI culture.</summary>
    private sealed class ResourceLocalizer(System.Resources.ResourceManager resources) : IStringLocalizer
    {
        public LocalizedString this[string name] =>
            resources.GetString(name, CultureInfo.CurrentUICulture) is { } value
                ? new LocalizedString(name, value, resourceNotFound: false)
                : new LocalizedString(name, name, resourceNotFound: true);

        public LocalizedString this[string name, params object[] arguments] =>
            this[name] is { ResourceNotFound: false } found
                ? new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, found.Value, arguments), resourceNotFound: false)
                : this[name];

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
            Names.Select(name => this[name]).Where(static s => !s.ResourceNotFound);
    }
}
