using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

public sealed class MessageRendererTests
{
    private const string Code = "012345";

    public static TheoryData<VerificationChannel, string> ChannelsAndCultures => new()
    {
        { VerificationChannel.Sms, "en-US" },
        { VerificationChannel.Sms, "zh-CN" },
        { VerificationChannel.Email, "en-US" },
        { VerificationChannel.Email, "zh-CN" },
    };

    [Theory]
    [InlineData("en-US")]
    [InlineData("en")]
    [InlineData("en-GB")]
    [InlineData("fr-FR")]
    [InlineData("ja-JP")]
    [InlineData("")]
    public void Render_SmsInNonChineseCulture_IsEnglishWithCodeAndMinutes(string culture)
    {
        var message = Render(VerificationChannel.Sms, culture);

        Assert.Null(message.Subject);
        Assert.Null(message.HtmlBody);
        Assert.Contains(Code, message.Body, StringComparison.Ordinal);
        Assert.Contains("10 minutes", message.Body, StringComparison.Ordinal);
        Assert.Contains("code", message.Body, StringComparison.Ordinal);
        Assert.False(HasCjk(message.Body), message.Body);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("zh-Hans")]
    [InlineData("zh-SG")]
    [InlineData("zh")]
    public void Render_SmsInSimplifiedChineseCulture_IsSimplifiedChineseWithCodeAndMinutes(string culture)
    {
        var message = Render(VerificationChannel.Sms, culture);

        Assert.Null(message.Subject);
        Assert.Null(message.HtmlBody);
        Assert.Contains(Code, message.Body, StringComparison.Ordinal);
        Assert.Contains("验证码", message.Body, StringComparison.Ordinal);
        Assert.Contains("10分钟", message.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zh-TW")]
    [InlineData("zh-Hant")]
    [InlineData("zh-HK")]
    [InlineData("zh-MO")]
    public void Render_SmsInTraditionalChineseCulture_IsTraditionalChinese(string culture)
    {
        var message = Render(VerificationChannel.Sms, culture, VerificationUsage.SignIn, product: "Contoso");

        Assert.Equal($"【Contoso】您的登入驗證碼為：{Code}，10分鐘內有效。請勿洩露給他人。", message.Body);
    }

    [Fact]
    public void Render_EmailInTraditionalChinese_IsTraditionalInSubjectTextAndHtml()
    {
        var message = Render(VerificationChannel.Email, "zh-TW", VerificationUsage.PasswordReset);

        Assert.Equal("重設密碼驗證碼", message.Subject);
        Assert.StartsWith("您的重設密碼驗證碼為：", message.Body, StringComparison.Ordinal);
        Assert.Contains("10分鐘內有效。", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("验证码", message.Body + message.Subject + message.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "012345 is your sign-in code. It expires in 10 minutes. Do not share it with anyone.")]
    [InlineData(null, "FA+9qCX9VSu", "012345 is your sign-in code. It expires in 10 minutes. Do not share it with anyone.\n\nFA+9qCX9VSu")]
    [InlineData("app.example.com", null, "012345 is your sign-in code. It expires in 10 minutes. Do not share it with anyone.\n\n@app.example.com #012345")]
    [InlineData("app.example.com", "FA+9qCX9VSu", "012345 is your sign-in code. It expires in 10 minutes. Do not share it with anyone.\n\nFA+9qCX9VSu\n\n@app.example.com #012345")]
    public void Render_SmsWithWebOtpHostOrAppHash_EndsWithTheirLines(string? host, string? hash, string expected)
    {
        var message = new VerificationMessageRenderer().Render(
            new MessageRenderContext(VerificationChannel.Sms, Code, TimeSpan.FromMinutes(10), VerificationUsage.SignIn, CultureInfo.GetCultureInfo("en"), null)
            {
                WebOtpHost = host,
                AndroidAppHash = hash,
            });

        Assert.Equal(expected, message.Body);
    }

    [Fact]
    public void Render_EmailWithWebOtpHost_HasNoWebOtpLine()
    {
        var message = new VerificationMessageRenderer().Render(
            new MessageRenderContext(VerificationChannel.Email, Code, TimeSpan.FromMinutes(10), null, CultureInfo.GetCultureInfo("en"), null) { WebOtpHost = "app.example.com" });

        Assert.DoesNotContain("@app.example.com", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithALocalizerOverridingOneTemplate_UsesItAndTheBuiltInWordsElsewhere()
    {
        var templates = new MessageTemplateLocalizer();
        templates.Set("Sms.SignIn", "{product}{code}: your {purpose} code, {minutes}.", "en");
        var renderer = new VerificationMessageRenderer([templates]);

        var signIn = renderer.Render(Context(VerificationChannel.Sms, "en-US", VerificationUsage.SignIn, "Contoso"));
        var register = renderer.Render(Context(VerificationChannel.Sms, "en-US", VerificationUsage.Register, "Contoso"));
        var chinese = renderer.Render(Context(VerificationChannel.Sms, "zh-CN", VerificationUsage.SignIn, "Contoso"));

        Assert.Equal($"Contoso {Code}: your sign-in code, 10 minutes.", signIn.Body);
        Assert.Equal($"{Code} is your Contoso sign-up code. It expires in 10 minutes. Do not share it with anyone.", register.Body);
        Assert.Equal($"【Contoso】您的登录验证码为：{Code}，10分钟内有效。请勿泄露给他人。", chinese.Body);
    }

    [Theory]
    [InlineData(VerificationChannel.Sms)]
    [InlineData(VerificationChannel.Email)]
    public void Render_PlaceholdersInsideTheWords_FilledAsByReplacingPurposeMinutesCodeProductInTurn(VerificationChannel channel)
    {
        // The purpose's own {product} and {minutes}, the lifetime's {code}, and a product name holding "{code}" (text),
        // an unknown placeholder and a lone brace (text): what replacing purpose, minutes, code, then product gives.
        var words = new MessageTemplateLocalizer();
        var template = "{purpose}|{minutes}|{code}|{product}|{unknown}|{";
        words.Set(channel == VerificationChannel.Sms ? "Sms" : "Email.Lead", template, null);
        words.Set("Purpose", "code for {product}valid {minutes} {purpose}", null);
        words.Set("Minutes", "{minutes} min ({code}, {minutes})", null);
        var renderer = new VerificationMessageRenderer([words]);

        var message = renderer.Render(Context(channel, "en-US", product: "P{code}"));

        var lifetime = "10 min (012345, 10)";
        var expected = $"code for P{{code}} valid {lifetime} {{purpose}}|{lifetime}|012345|P{{code}} |{{unknown}}|{{";
        var text = channel == VerificationChannel.Sms ? message.Body : message.Body.Split('\n')[0];
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Render_ManyMessagesOnOneThread_EachItsOwnText()
    {
        // The thread's builder is reused: a long message after short ones (and the reverse) keeps nothing of the other.
        var words = new MessageTemplateLocalizer();
        words.Set("Sms.PasswordReset", new string('x', 5000) + "{code}", null);
        var renderer = new VerificationMessageRenderer([words]);

        for (var round = 0; round < 3; round++)
        {
            var signIn = renderer.Render(Context(VerificationChannel.Sms, "en-US", VerificationUsage.SignIn));
            var reset = renderer.Render(Context(VerificationChannel.Sms, "en-US", VerificationUsage.PasswordReset));

            Assert.Equal($"{Code} is your sign-in code. It expires in 10 minutes. Do not share it with anyone.", signIn.Body);
            Assert.Equal(new string('x', 5000) + Code, reset.Body);
        }
    }

    [Fact]
    public void Set_UnknownTemplateName_ThrowsNamingTheEntries()
    {
        var error = Assert.Throws<ArgumentException>(() => new MessageTemplateLocalizer().Set("Sms.Body", "x", null));

        Assert.Contains("Email.Subject", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, 5)]
    [InlineData(90, 2)]
    [InlineData(60, 1)]
    [InlineData(1, 1)]
    public void Render_Lifetime_IsGivenInWholeMinutesRoundedUp(int seconds, int minutes)
    {
        var english = Render(VerificationChannel.Sms, "en-US", lifetime: TimeSpan.FromSeconds(seconds));
        var chinese = Render(VerificationChannel.Sms, "zh-CN", lifetime: TimeSpan.FromSeconds(seconds));
        var email = Render(VerificationChannel.Email, "en-US", lifetime: TimeSpan.FromSeconds(seconds));

        Assert.Contains($"{minutes} minute", english.Body, StringComparison.Ordinal);
        Assert.Contains($"{minutes}分钟", chinese.Body, StringComparison.Ordinal);
        Assert.Contains($"{minutes} minute", email.Body, StringComparison.Ordinal);
        Assert.Contains($"{minutes} minute", email.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, "1 minute.")]
    [InlineData(120, "2 minutes.")]
    public void Render_EnglishLifetime_AgreesInNumber(int seconds, string expected)
    {
        var sms = Render(VerificationChannel.Sms, "en-US", lifetime: TimeSpan.FromSeconds(seconds));
        var email = Render(VerificationChannel.Email, "en-US", lifetime: TimeSpan.FromSeconds(seconds));

        Assert.Contains(expected, sms.Body, StringComparison.Ordinal);
        Assert.Contains(expected, email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("1 minutes", sms.Body + email.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EmailInEnglish_HasSubjectTextAndHtmlWithCodeAndMinutes()
    {
        var message = Render(VerificationChannel.Email, "en-US");

        Assert.False(string.IsNullOrWhiteSpace(message.Subject));
        Assert.False(HasCjk(message.Subject), message.Subject);
        Assert.Contains(Code, message.Body, StringComparison.Ordinal);
        Assert.Contains("10 minutes", message.Body, StringComparison.Ordinal);
        Assert.NotNull(message.HtmlBody);
        Assert.StartsWith("<!DOCTYPE html>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(Code, message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("10 minutes", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Code, message.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("zh-Hans")]
    public void Render_EmailInChinese_HasChineseSubjectTextAndHtml(string culture)
    {
        var message = Render(VerificationChannel.Email, culture);

        Assert.NotNull(message.Subject);
        Assert.Contains("验证码", message.Subject, StringComparison.Ordinal);
        Assert.Contains(Code, message.Body, StringComparison.Ordinal);
        Assert.Contains("10分钟", message.Body, StringComparison.Ordinal);
        Assert.NotNull(message.HtmlBody);
        Assert.Contains(Code, message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("10分钟", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SmsWithProductName_NamesTheProduct()
    {
        var english = Render(VerificationChannel.Sms, "en-US", product: "Contoso");
        var chinese = Render(VerificationChannel.Sms, "zh-CN", product: "Contoso");

        Assert.Contains("Contoso", english.Body, StringComparison.Ordinal);
        Assert.Contains("【Contoso】", chinese.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SmsWithoutProductName_HasNoEmptyPlaceholders()
    {
        var english = Render(VerificationChannel.Sms, "en-US");
        var chinese = Render(VerificationChannel.Sms, "zh-CN");

        Assert.DoesNotContain("  ", english.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("【", chinese.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public void Render_EmailWithProductName_NamesTheProductInSubjectTextAndHtml(string culture)
    {
        var message = Render(VerificationChannel.Email, culture, product: "Contoso");

        Assert.Contains("Contoso", message.Subject, StringComparison.Ordinal);
        Assert.Contains("Contoso", message.Body, StringComparison.Ordinal);
        Assert.Contains("Contoso", message.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public void Render_EmailWithMarkupInProductName_HtmlEncodesItInHtml(string culture)
    {
        var message = Render(VerificationChannel.Email, culture, product: "A&B <b>Shop</b>");

        Assert.NotNull(message.HtmlBody);
        Assert.Contains("A&amp;B &lt;b&gt;Shop&lt;/b&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("A&B", message.HtmlBody, StringComparison.Ordinal);

        // Plain text is not HTML: the name stays as written there.
        Assert.Contains("A&B <b>Shop</b>", message.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ChannelsAndCultures))]
    public void Render_EachUsage_HasItsOwnWording(VerificationChannel channel, string culture)
    {
        VerificationUsage?[] usages =
        [
            null, VerificationUsage.Register, VerificationUsage.SignIn, VerificationUsage.PasswordReset,
            VerificationUsage.EmailAddressChange, VerificationUsage.PhoneNumberChange,
        ];

        var messages = usages.Select(u => Render(channel, culture, u)).ToList();

        Assert.Equal(usages.Length, messages.Select(m => m.Body).Distinct(StringComparer.Ordinal).Count());
        if (channel == VerificationChannel.Email)
        {
            Assert.Equal(usages.Length, messages.Select(m => m.Subject).Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(usages.Length, messages.Select(m => m.HtmlBody).Distinct(StringComparer.Ordinal).Count());
        }

        Assert.All(messages, m => Assert.Contains(Code, m.Body, StringComparison.Ordinal));
    }

    [Fact]
    public void Render_UsageInEnglish_SaysWhatTheCodeIsFor()
    {
        Assert.Contains("sign-in", Render(VerificationChannel.Sms, "en-US", VerificationUsage.SignIn).Body, StringComparison.Ordinal);
        Assert.Contains("password reset", Render(VerificationChannel.Sms, "en-US", VerificationUsage.PasswordReset).Body, StringComparison.Ordinal);
        Assert.Contains("登录", Render(VerificationChannel.Sms, "zh-CN", VerificationUsage.SignIn).Body, StringComparison.Ordinal);
        Assert.Contains("注册", Render(VerificationChannel.Sms, "zh-CN", VerificationUsage.Register).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_DefaultCultureChinese_RendersChineseUnlessTheRequestNamesACulture()
    {
        var outbox = new FakeSmsSender();
        var service = CreateService(outbox, new FakeEmailSender(), o => o.Messages.DefaultCulture = "zh-CN");

        var byDefault = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));
        var inEnglish = await service.SendAsync(
            new VerificationRequest(PhoneNumber: "+86 155 8866 5556"),
            new VerificationContext { Culture = CultureInfo.GetCultureInfo("en-US") });

        Assert.True(byDefault.Succeeded, byDefault.ToString());
        Assert.True(inEnglish.Succeeded, inEnglish.ToString());
        Assert.Equal(2, outbox.Messages.Count);
        Assert.Contains("验证码", outbox.Messages[0].Body, StringComparison.Ordinal);
        Assert.Equal("zh-CN", outbox.Messages[0].Culture.Name);
        Assert.Contains("minutes", outbox.Messages[1].Body, StringComparison.Ordinal);
        Assert.Equal("en-US", outbox.Messages[1].Culture.Name);
    }

    [Fact]
    public void Render_EmailInEnglishAndChinese_KeepsTheWordingOfTheBuiltInTemplates()
    {
        var english = Render(VerificationChannel.Email, "en-US", VerificationUsage.SignIn, "Contoso");
        var chinese = Render(VerificationChannel.Email, "zh-CN", VerificationUsage.SignIn, "Contoso");

        Assert.Equal("Your Contoso sign-in code", english.Subject);
        Assert.Equal($"Your Contoso sign-in code is:\n\n    {Code}\n\nIt expires in 10 minutes.\nIf you did not ask for it, ignore this email. Never share the code with anyone.\n", english.Body);
        Assert.Equal("Contoso登录验证码", chinese.Subject);
        Assert.Equal($"您的Contoso登录验证码为：\n\n    {Code}\n\n10分钟内有效。\n如果不是您本人操作，请忽略此邮件。请勿将验证码告诉任何人。\n", chinese.Body);
    }

    [Fact]
    public async Task SendAsync_WithoutContextCulture_UsesTheCurrentUICultureTheAppSet()
    {
        var outbox = new FakeSmsSender();
        var service = CreateService(outbox, new FakeEmailSender(), o => o.Messages.DefaultCulture = "en");
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(CultureInfo.InstalledUICulture.Name == "zh-TW" ? "zh-HK" : "zh-TW");
        try
        {
            var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));

            Assert.True(sent.Succeeded, sent.ToString());
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }

        Assert.Contains("驗證碼", Assert.Single(outbox.Messages).Body, StringComparison.Ordinal);
        Assert.StartsWith("zh-", outbox.Messages[0].Culture.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_WithTheMachinesOrTheInvariantUICulture_UsesTheDefaultCulture(bool invariant)
    {
        var outbox = new FakeSmsSender();
        var service = CreateService(outbox, new FakeEmailSender(), o => o.Messages.DefaultCulture = "zh-CN");
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = invariant ? CultureInfo.InvariantCulture : CultureInfo.InstalledUICulture;
        try
        {
            var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));

            Assert.True(sent.Succeeded, sent.ToString());
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }

        Assert.Equal("zh-CN", Assert.Single(outbox.Messages).Culture.Name);
        Assert.Contains("验证码", outbox.Messages[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WithWebOtpHostAndAppHash_SendsTheirLinesBySms()
    {
        var outbox = new FakeSmsSender();
        var service = CreateService(outbox, new FakeEmailSender(), o =>
        {
            o.Messages.WebOtpHost = "app.example.com";
            o.Messages.AndroidAppHash = "FA+9qCX9VSu";
        });

        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"), new VerificationContext { Culture = CultureInfo.GetCultureInfo("en") });

        Assert.True(sent.Succeeded, sent.ToString());
        var message = Assert.Single(outbox.Messages);
        Assert.EndsWith($"\n\nFA+9qCX9VSu\n\n@app.example.com #{message.Code}", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CustomRenderer_ReceivesCodeLifetimeUsageCultureAndProduct()
    {
        var outbox = new FakeEmailSender();
        var renderer = new CapturingRenderer();
        var service = CreateService(
            new FakeSmsSender(),
            outbox,
            o =>
            {
                o.Code.Lifetime = TimeSpan.FromMinutes(5);
                o.Messages.ProductName = "Contoso";
            },
            renderer);

        var sent = await service.SendAsync(
            new VerificationRequest(Email: "alice@example.com", Usage: VerificationUsage.PasswordReset),
            new VerificationContext { Culture = CultureInfo.GetCultureInfo("zh-TW") });

        Assert.True(sent.Succeeded, sent.ToString());
        var context = Assert.Single(renderer.Contexts);
        var message = Assert.Single(outbox.Messages);
        Assert.Equal(VerificationChannel.Email, context.Channel);
        Assert.Equal(message.Code, context.Code);
        Assert.Equal(TimeSpan.FromMinutes(5), context.Lifetime);
        Assert.Equal(VerificationUsage.PasswordReset, context.Usage);
        Assert.Equal("zh-TW", context.Culture.Name);
        Assert.Equal("Contoso", context.ProductName);
        Assert.Equal("custom subject", message.Subject);
        Assert.Equal("custom body " + message.Code, message.Body);
        Assert.Equal("<p>custom</p>", message.HtmlBody);
    }

    private static RenderedMessage Render(
        VerificationChannel channel,
        string culture,
        VerificationUsage? usage = null,
        string? product = null,
        TimeSpan? lifetime = null) =>
        new VerificationMessageRenderer().Render(Context(channel, culture, usage, product, lifetime));

    private static MessageRenderContext Context(
        VerificationChannel channel,
        string culture,
        VerificationUsage? usage = null,
        string? product = null,
        TimeSpan? lifetime = null) =>
        new(channel, Code, lifetime ?? TimeSpan.FromMinutes(10), usage, CultureInfo.GetCultureInfo(culture), product);

    private static bool HasCjk(string? text) => text is not null && text.Any(c => c is >= '\u3000' and <= '\u9FFF' or >= '\uFF00' and <= '\uFFEF');

    private static VerificationService CreateService(FakeSmsSender sms, FakeEmailSender email, Action<VerificationOptions> configure, IVerificationMessageRenderer? renderer = null)
    {
        var options = new VerificationOptions();
        TestKeys.UseFreshHs256(options.Tokens);
        configure(options);
        return new VerificationService(
            Options.Create(options),
            new InMemoryCodeStore(),
            [sms],
            [email],
            messageRenderer: renderer,
            timeProvider: new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero)));
    }

    private sealed class CapturingRenderer : IVerificationMessageRenderer
    {
        public List<MessageRenderContext> Contexts { get; } = [];

        public RenderedMessage Render(MessageRenderContext context)
        {
            Contexts.Add(context);
            return new RenderedMessage("custom subject", "custom body " + context.Code, "<p>custom</p>");
        }
    }
}
