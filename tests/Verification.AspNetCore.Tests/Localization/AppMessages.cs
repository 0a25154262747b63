namespace Verification.AspNetCore.Tests.Localization;

/// <summary>The type the test app's message resources are named after (AppMessages.fr.resx), as an app declares one.</summary>
public sealed class AppMessages;
