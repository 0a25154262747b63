using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Verification;
using Verification.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds senders to Verification and replaces its seams and store. The naming rule of every package: <c>Add…</c> adds
/// (a sender, a health check; adding twice is harmless), <c>Use…</c> replaces the one registered part of its kind
/// (the store, the user directory, the captcha validator, the message renderer, the image renderer).
/// </summary>
public static class VerificationBuilderExtensions
{
    /// <summary>Adds an SMS sender. Senders are tried in the order they are added; adding one type twice is harmless.</summary>
    /// <typeparam name="TSender">The sender type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddSmsSender<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSender>(this IVerificationBuilder builder)
        where TSender : class, ISmsSender
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsSender, TSender>());
        return builder;
    }

    /// <summary>Adds an SMS sender instance. Senders are tried in the order they are added.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sender">The sender.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddSmsSender(this IVerificationBuilder builder, ISmsSender sender)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sender);
        if (!builder.Services.Any(d => d.ServiceType == typeof(ISmsSender) && ReferenceEquals(d.ImplementationInstance, sender)))
        {
            builder.Services.AddSingleton(sender);
        }

        return builder;
    }

    /// <summary>Adds an email sender. Senders are tried in the order they are added; adding one type twice is harmless.</summary>
    /// <typeparam name="TSender">The sender type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddEmailSender<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSender>(this IVerificationBuilder builder)
        where TSender : class, IEmailSender
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmailSender, TSender>());
        return builder;
    }

    /// <summary>Adds an email sender instance. Senders are tried in the order they are added.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sender">The sender.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddEmailSender(this IVerificationBuilder builder, IEmailSender sender)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sender);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IEmailSender) && ReferenceEquals(d.ImplementationInstance, sender)))
        {
            builder.Services.AddSingleton(sender);
        }

        return builder;
    }

    /// <summary>
    /// Development only: prints every message, code included, to standard output, for both channels.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddConsoleSender(this IVerificationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ConsoleVerificationSender>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsSender, ConsoleVerificationSender>(static sp => sp.GetRequiredService<ConsoleVerificationSender>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmailSender, ConsoleVerificationSender>(static sp => sp.GetRequiredService<ConsoleVerificationSender>()));
        return builder;
    }

    /// <summary>
    /// Development only: writes every message as a JSON file into <paramref name="directory"/>, for both channels.
    /// (Setting <c>Verification:PickupDirectory</c> does the same for channels that have no other sender.)
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The pickup folder, created when missing.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddPickupDirectorySender(this IVerificationBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        builder.Services.TryAddSingleton(sp => new PickupDirectorySender(directory, sp.GetService<TimeProvider>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsSender, PickupDirectorySender>(static sp => sp.GetRequiredService<PickupDirectorySender>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmailSender, PickupDirectorySender>(static sp => sp.GetRequiredService<PickupDirectorySender>()));
        return builder;
    }

    /// <summary>Replaces the user directory that answers whether an account exists (enables <c>is_user</c>, USER and NOT_USER).</summary>
    /// <typeparam name="TDirectory">The directory type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseUserDirectory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDirectory>(this IVerificationBuilder builder)
        where TDirectory : class, IUserDirectory
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IUserDirectory, TDirectory>());
        return builder;
    }

    /// <summary>Replaces the captcha validator.</summary>
    /// <typeparam name="TValidator">The validator type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseCaptchaValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this IVerificationBuilder builder)
        where TValidator : class, ICaptchaValidator
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICaptchaValidator, TValidator>());
        return builder;
    }

    /// <summary>Replaces the message wording.</summary>
    /// <typeparam name="TRenderer">The renderer type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseMessageRenderer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRenderer>(this IVerificationBuilder builder)
        where TRenderer : class, IVerificationMessageRenderer
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IVerificationMessageRenderer, TRenderer>());
        return builder;
    }

    /// <summary>
    /// Adds wording to the built-in message renderer from the app's <c>IStringLocalizer&lt;TResource&gt;</c>, usually
    /// over the app's .resx files (<c>TResource.fr.resx</c> adds French; an entry such as <c>Sms</c> in
    /// <c>TResource.zh-Hant.resx</c> overrides one template). Entries the app's resources lack come from the built-in
    /// ones. Needs the app's localization services: <c>services.AddLocalization()</c> (in ASP.NET Core; other apps add
    /// the Microsoft.Extensions.Localization package).
    /// </summary>
    /// <typeparam name="TResource">The type the app's resources are named after.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddMessageLocalizer<TResource>(this IVerificationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(static sp => new MessageLocalizerPart(
            sp.GetService<IStringLocalizer<TResource>>()
                ?? throw new InvalidOperationException($"AddMessageLocalizer<{typeof(TResource).Name}>() needs the app's localization services; call services.AddLocalization() (package Microsoft.Extensions.Localization, part of ASP.NET Core)."),
            IsTemplate: false));
        return builder;
    }

    /// <summary>
    /// Adds wording to the built-in message renderer from <paramref name="localizer"/> (in the message's culture, as
    /// <see cref="System.Globalization.CultureInfo.CurrentUICulture"/>). Localizers added first win; entries none of
    /// them has come from the built-in wording. See <see cref="VerificationMessageRenderer"/> for the entry names.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="localizer">The localizer.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder AddMessageLocalizer(this IVerificationBuilder builder, IStringLocalizer localizer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(localizer);
        builder.Services.AddSingleton(new MessageLocalizerPart(localizer, IsTemplate: false));
        return builder;
    }

    /// <summary>
    /// Overrides one template or word of the built-in message renderer, for one culture (and the cultures under it:
    /// <c>"zh-Hant"</c> covers <c>zh-TW</c> and <c>zh-HK</c>) or for every culture, ahead of every localizer.
    /// </summary>
    /// <example><code>builder.AddMessageTemplate("Sms", "{code} is your Contoso code. Valid for {minutes}.", "en");</code></example>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The entry: <c>Sms</c>, <c>Email.Subject</c>, <c>Email.Lead</c>, <c>Email.Expiry</c>, <c>Email.Warning</c>, their per-usage forms (<c>Sms.SignIn</c>), or a word (<c>Purpose.SignIn</c>, <c>Minutes</c>…); see <see cref="VerificationMessageRenderer.Names"/>.</param>
    /// <param name="template">The text, with the placeholders <c>{code}</c>, <c>{product}</c>, <c>{purpose}</c> and <c>{minutes}</c>.</param>
    /// <param name="culture">The culture name, for example <c>"en"</c> or <c>"zh-Hant"</c>; null for every culture.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not an entry, or <paramref name="culture"/> not a culture.</exception>
    public static IVerificationBuilder AddMessageTemplate(this IVerificationBuilder builder, string name, string template, string? culture = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Select(static d => d.IsKeyedService ? null : d.ImplementationInstance).OfType<MessageLocalizerPart>().FirstOrDefault(static p => p.IsTemplate) is not { Localizer: MessageTemplateLocalizer templates })
        {
            templates = new MessageTemplateLocalizer();
            templates.Set(name, template, culture);
            builder.Services.AddSingleton(new MessageLocalizerPart(templates, IsTemplate: true));
            return builder;
        }

        templates.Set(name, template, culture);
        return builder;
    }

    /// <summary>Replaces the in-memory store with another <see cref="ICodeStore"/>.</summary>
    /// <typeparam name="TStore">The store type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseCodeStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IVerificationBuilder builder)
        where TStore : class, ICodeStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICodeStore, TStore>());
        return builder;
    }
}
