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
    [InlineData("zh-TW")]
    [InlineData("zh-Hant")]
    [InlineData("zh-HK")]
    [InlineData("zh")]
    public void Render_SmsInChineseCulture_IsChineseWithCodeAndMinutes(string culture)
    {
        var message = Render(VerificationChannel.Sms, culture);

        Assert.Null(message.Subject);
        Assert.Null(message.HtmlBody);
        Assert.Contains(Code, message.Body, StringComparison.Ordinal);
        Assert.Contains("验证码", message.Body, StringComparison.Ordinal);
        Assert.Contains("10分钟", message.Body, StringComparison.Ordinal);
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
    [InlineData("zh-TW")]
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
        new BuiltInMessageRenderer().Render(new MessageRenderContext(
            channel, Code, lifetime ?? TimeSpan.FromMinutes(10), usage, CultureInfo.GetCultureInfo(culture), product));

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
