using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Verification.Tests;

/// <summary>The app's wording through the builder: one template overridden in code, a localizer of its own.</summary>
public sealed class MessageWordingTests
{
    private static int _phones;

    [Fact]
    public async Task AddMessageTemplate_ForOneCulture_OverridesItThereOnly()
    {
        var sms = new FakeSmsSender();
        using var provider = Provider(b => b.AddSmsSender(sms).AddMessageTemplate("Sms.SignIn", "{product}{code} signs you in.", "en"));
        var service = provider.GetRequiredService<IVerificationService>();

        await SendAsync(service, "en-GB", VerificationUsage.SignIn);
        await SendAsync(service, "en-GB", VerificationUsage.Register);
        await SendAsync(service, "zh-TW", VerificationUsage.SignIn);

        Assert.Equal($"Contoso {sms.Messages[0].Code} signs you in.", sms.Messages[0].Body);
        Assert.StartsWith($"{sms.Messages[1].Code} is your Contoso sign-up code.", sms.Messages[1].Body, StringComparison.Ordinal);
        Assert.StartsWith("【Contoso】您的登入驗證碼為：", sms.Messages[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMessageTemplate_UnknownName_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddVerification().AddMessageTemplate("Body", "{code}"));
    }

    [Fact]
    public async Task AddMessageLocalizer_WithALanguageOfItsOwn_RendersItAndTheBuiltInWordsItLacks()
    {
        var sms = new FakeSmsSender();
        using var provider = Provider(b => b.AddSmsSender(sms).AddMessageLocalizer(new FrenchLocalizer()));

        await SendAsync(provider.GetRequiredService<IVerificationService>(), "fr-FR", VerificationUsage.SignIn);
        await SendAsync(provider.GetRequiredService<IVerificationService>(), "en", VerificationUsage.SignIn);

        Assert.Equal($"{sms.Messages[0].Code} est votre code de connexion Contoso. Il expire dans 10 minutes.", sms.Messages[0].Body);
        Assert.StartsWith($"{sms.Messages[1].Code} is your Contoso sign-in code.", sms.Messages[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMessageLocalizerOfAResourceType_WithoutLocalizationServices_FailsNamingAddLocalization()
    {
        using var provider = Provider(b => b.AddSmsSender(new FakeSmsSender()).AddMessageLocalizer<MessageWordingTests>());

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IVerificationService>());

        Assert.Contains("services.AddLocalization()", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(Action<IVerificationBuilder> configure)
    {
        var services = new ServiceCollection();
        configure(services.AddVerification(o =>
        {
            o.Tokens.Algorithm = "HS256";
            o.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "k", Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
            o.Tokens.HashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            o.Messages.ProductName = "Contoso";
            o.Code.Lifetime = TimeSpan.FromMinutes(10);
        }));
        return services.BuildServiceProvider();
    }

    private static async Task SendAsync(IVerificationService service, string culture, VerificationUsage usage)
    {
        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: $"+86 155 8866 {5500 + Interlocked.Increment(ref _phones)}", Usage: usage), new VerificationContext { Culture = CultureInfo.GetCultureInfo(culture) });
        Assert.True(sent.Succeeded, sent.ToString());
    }

    /// <summary>An app's French, in the current UI culture as every IStringLocalizer reads; no <c>Minutes.One</c>.</summary>
    private sealed class FrenchLocalizer : IStringLocalizer
    {
        private static readonly Dictionary<string, string> French = new(StringComparer.Ordinal)
        {
            ["Sms"] = "{code} est votre code de {purpose} {product}. Il expire dans {minutes}.",
            ["Purpose.SignIn"] = "connexion",
            ["Product.Sms"] = "{product}",
            ["Minutes"] = "{minutes} minutes",
        };

        public LocalizedString this[string name] =>
            CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" && French.TryGetValue(name, out var value)
                ? new LocalizedString(name, value)
                : new LocalizedString(name, name, resourceNotFound: true);

        public LocalizedString this[string name, params object[] arguments] => this[name];

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
