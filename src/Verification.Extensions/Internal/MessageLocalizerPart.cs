using Microsoft.Extensions.Localization;

namespace Verification.Extensions;

/// <summary>
/// Wording the app added to the built-in message renderer (<c>AddMessageLocalizer</c>, <c>AddMessageTemplate</c>):
/// templates set in code come first, then localizers in the order they were added.
/// </summary>
internal sealed record MessageLocalizerPart(IStringLocalizer Localizer, bool IsTemplate);
