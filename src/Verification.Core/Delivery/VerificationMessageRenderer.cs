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
    // Declared first: the initializers below read it.
    private static readonly string[] Templates = ["Sms", "Email.Subject", "Email.Lead", "Email.Expiry", "Email.Warning"];

    /// <summary>The template and word names a localizer may provide.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        .. Templates,
        .. Templates.SelectMany(static t => Enum.GetNames<VerificationUsage>().Select(u => $"{t}.{u}")),
        "Purpose", .. Enum.GetNames<VerificationUsage>().Select(static u => "Purpose." + u),
        "Product", "Product.Sms", "Minutes", "Minutes.One",
    ];

    // The per-usage entry names of each template and of "Purpose", made once ("Sms.SignIn"), by usage value.
    private static readonly Dictionary<string, string?[]> UsageNames =
        Templates.Append("Purpose").ToDictionary(static name => name, static name => ByUsage(name + "."), StringComparer.Ordinal);

    private static readonly ResourceLocalizer BuiltIn = new(
        new System.Resources.ResourceManager("Verification.Delivery.VerificationMessages", typeof(VerificationMessageRenderer).Assembly));

    // A rendering builds each text in the thread's builder: one string per text, no intermediate ones (Fills.Into).
    [ThreadStatic]
    private static StringBuilder? t_builder;

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
        _localizers = [.. localizers];
    }

    /// <summary>The placeholders a text may hold where it is filled.</summary>
    [Flags]
    private enum Placeholders
    {
        Code = 1,
        Product = 2,
        Minutes = 4,
        MinutesNumber = 8,
        Purpose = 16,
        All = Code | Product | Minutes | Purpose,
    }

    /// <inheritdoc />
    public RenderedMessage Render(MessageRenderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_localizers.Length == 0)
        {
            // The built-in resources are read in the message's culture directly: no switch of the thread's culture.
            return RenderIn(context);
        }

        // An IStringLocalizer reads in the current UI culture: the message's, for the time of the lookups.
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = context.Culture;
        try
        {
            return RenderIn(context);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private RenderedMessage RenderIn(MessageRenderContext context)
    {
        var fill = new Fills(this, context);
        return context.Channel == VerificationChannel.Sms ? RenderSms(fill) : RenderEmail(fill);
    }

    private static RenderedMessage RenderSms(in Fills fill)
    {
        var context = fill.Context;
        var text = Rent();
        fill.Into(text, fill.Template("Sms"));
        if (context.AndroidAppHash is { Length: > 0 } hash)
        {
            text.Append("\n\n").Append(hash);
        }

        if (context.WebOtpHost is { Length: > 0 } host)
        {
            // WebOTP: the origin-bound line is the last line of the message.
            text.Append("\n\n@").Append(host).Append(" #").Append(context.Code);
        }

        return new RenderedMessage(null, Return(text), null);
    }

    private static RenderedMessage RenderEmail(in Fills fill)
    {
        var context = fill.Context;
        var subject = fill.Text("Email.Subject");
        var lead = fill.Text("Email.Lead");
        var expiry = fill.Text("Email.Expiry");
        var warning = fill.Text("Email.Warning");
        var body = $"{lead}\n\n    {context.Code}\n\n{expiry}\n{warning}\n";
        var html =
            "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">" +
            $"<p>{WebUtility.HtmlEncode(lead)}</p>" +
            $"<p style=\"font-size:28px;font-weight:bold;letter-spacing:4px\">{WebUtility.HtmlEncode(context.Code)}</p>" +
            $"<p>{WebUtility.HtmlEncode(expiry)}</p><p style=\"color:#666\">{WebUtility.HtmlEncode(warning)}</p>" +
            "</body></html>";
        return new RenderedMessage(subject, body, html);
    }

    /// <summary>The entry <paramref name="name"/> of the first localizer that has it, else the built-in one, in <paramref name="culture"/>.</summary>
    private string? Find(string name, CultureInfo culture)
    {
        foreach (var localizer in _localizers)
        {
            var value = localizer[name];
            if (!value.ResourceNotFound)
            {
                return value.Value;
            }
        }

        return BuiltIn.Find(name, culture);
    }

    /// <summary>The names <paramref name="prefix"/> + usage, at each usage's value (a value no usage has is null).</summary>
    private static string?[] ByUsage(string prefix)
    {
        var usages = Enum.GetValues<VerificationUsage>();
        var names = new string?[usages.Max(static u => (int)u) + 1];
        foreach (var usage in usages)
        {
            names[(int)usage] = prefix + usage;
        }

        return names;
    }

    /// <summary>The entry <c>{name}.{usage}</c> (<c>Sms.SignIn</c>), or null without a usage or for a value no usage has.</summary>
    private static string? NameOf(string name, VerificationUsage? usage) =>
        usage is { } u && UsageNames[name] is var names && (uint)u < (uint)names.Length ? names[(int)u] : null;

    private static StringBuilder Rent()
    {
        var builder = t_builder ?? new StringBuilder(256);
        t_builder = null;
        return builder.Clear();
    }

    private static string Return(StringBuilder builder)
    {
        var text = builder.ToString();
        if (builder.Capacity <= 4096)
        {
            t_builder = builder;
        }

        return text;
    }

    /// <summary>What a message's templates are filled with: found once per message, in its culture.</summary>
    private readonly struct Fills
    {
        private readonly VerificationMessageRenderer _renderer;
        private readonly string _purpose;
        private readonly string _lifetime;
        private readonly string _product;
        private readonly int _minutes;

        public Fills(VerificationMessageRenderer renderer, MessageRenderContext context)
        {
            _renderer = renderer;
            Context = context;
            var culture = context.Culture;
            _minutes = Math.Max(1, (int)Math.Ceiling(context.Lifetime.TotalMinutes));
            _purpose = (NameOf("Purpose", context.Usage) is { } purpose ? renderer.Find(purpose, culture) : null) ?? renderer.Find("Purpose", culture) ?? string.Empty;
            _lifetime = (_minutes == 1 ? renderer.Find("Minutes.One", culture) : null) ?? renderer.Find("Minutes", culture) ?? "{minutes}";
            var productEntry = context.Channel == VerificationChannel.Sms ? "Product.Sms" : "Product";
            _product = string.IsNullOrWhiteSpace(context.ProductName)
                ? string.Empty
                : (renderer.Find(productEntry, culture) ?? "{product} ").Replace("{product}", context.ProductName.Trim(), StringComparison.Ordinal);
        }

        public MessageRenderContext Context { get; }

        /// <summary>The template of the usage (<c>Sms.SignIn</c>) or, without one, the general one.</summary>
        public string Template(string template) =>
            (NameOf(template, Context.Usage) is { } name ? _renderer.Find(name, Context.Culture) : null)
            ?? _renderer.Find(template, Context.Culture) ?? string.Empty;

        /// <summary>A template filled, as its own string.</summary>
        public string Text(string template)
        {
            var builder = Rent();
            Into(builder, Template(template));
            return Return(builder);
        }

        /// <summary>
        /// Appends <paramref name="template"/> with its placeholders filled, in one pass: <c>{purpose}</c> by the
        /// purpose (whose own <c>{minutes}</c>, <c>{code}</c> and <c>{product}</c> are filled), <c>{minutes}</c> by the
        /// lifetime (whose <c>{minutes}</c> is the number and whose <c>{code}</c> and <c>{product}</c> are filled),
        /// <c>{code}</c> by the code, <c>{product}</c> by the product name as text (a name holding <c>{code}</c>
        /// stays text). The same text as replacing purpose, minutes, code and product in that order.
        /// </summary>
        public void Into(StringBuilder into, string template) => Expand(into, template, Placeholders.All);

        private void Expand(StringBuilder into, string text, Placeholders allowed)
        {
            var rest = text.AsSpan();
            while (rest.IndexOf('{') is var open and >= 0)
            {
                into.Append(rest[..open]);
                rest = rest[open..];
                if (Starts(rest, "{purpose}", allowed, Placeholders.Purpose))
                {
                    Expand(into, _purpose, Placeholders.Minutes | Placeholders.Code | Placeholders.Product);
                    rest = rest["{purpose}".Length..];
                }
                else if (Starts(rest, "{minutes}", allowed, Placeholders.Minutes))
                {
                    Expand(into, _lifetime, Placeholders.MinutesNumber | Placeholders.Code | Placeholders.Product);
                    rest = rest["{minutes}".Length..];
                }
                else if (Starts(rest, "{minutes}", allowed, Placeholders.MinutesNumber))
                {
                    into.Append(_minutes);
                    rest = rest["{minutes}".Length..];
                }
                else if (Starts(rest, "{code}", allowed, Placeholders.Code))
                {
                    into.Append(Context.Code);
                    rest = rest["{code}".Length..];
                }
                else if (Starts(rest, "{product}", allowed, Placeholders.Product))
                {
                    into.Append(_product);
                    rest = rest["{product}".Length..];
                }
                else
                {
                    into.Append('{');
                    rest = rest[1..];
                }
            }

            into.Append(rest);
        }

        private static bool Starts(ReadOnlySpan<char> rest, string placeholder, Placeholders allowed, Placeholders which) =>
            (allowed & which) != 0 && rest.StartsWith(placeholder, StringComparison.Ordinal);
    }

    /// <summary>An <see cref="IStringLocalizer"/> over a <see cref="System.Resources.ResourceManager"/>, in the current UI culture.</summary>
    private sealed class ResourceLocalizer(System.Resources.ResourceManager resources) : IStringLocalizer
    {
        public string? Find(string name, CultureInfo culture) => resources.GetString(name, culture);

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
