using System.Net;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Imap.Sessions;

/// <summary>IMAP sessions specified by transcripts of exact client and server lines (Transcripts/*.txt).</summary>
public sealed class TranscriptTests
{
    private readonly InMemoryMailStore store = new();

    [Fact]
    public Task Login_capabilities_sasl_plain_and_state_errors() => new ImapTranscript(store).RunAsync("login.txt");

    [Fact]
    public Task Mailboxes_are_created_nested_and_non_ascii_listed_renamed_deleted_and_counted()
    {
        store.AddSpecialFolder(ImapTranscript.Alice, "Trash", "\\Trash");
        return new ImapTranscript(store).RunAsync("mailboxes.txt");
    }

    [Fact]
    public Task Messages_are_fetched_stored_searched_and_expunged_with_their_untagged_responses() =>
        new ImapTranscript(store).RunAsync("messages.txt");

    [Fact]
    public Task Examine_is_read_only_and_selection_errors_are_answered() => new ImapTranscript(store).RunAsync("selected-errors.txt");

    [Fact]
    public Task Copy_move_and_append_report_uidplus_codes_and_trycreate() => new ImapTranscript(store).RunAsync("copy-move.txt");

    [Fact]
    public Task Two_sessions_see_each_others_changes_and_idle_pushes_them() => new ImapTranscript(store).RunAsync("sessions.txt");

    [Fact]
    public Task Literals_limits_nesting_and_syntax_errors_get_bounded_answers() =>
        new ImapTranscript(store, new Mail.Imap.ImapSettings("imap.test", MaxErrors: 8)).RunAsync("limits.txt");

    [Fact]
    public Task Condstore_reports_and_guards_mod_sequences() =>
        new ImapTranscript(store, new Mail.Imap.ImapSettings("imap.test", FetchChunkBytes: 64)).RunAsync("condstore.txt");

    [Fact]
    public Task Failed_logins_are_delayed_ever_longer_and_then_refused() => new ImapTranscript(store).RunAsync("throttle.txt");

    [Fact]
    public Task A_selected_folder_deleted_elsewhere_ends_the_session() => new ImapTranscript(store).RunAsync("folder-gone.txt");

    [Fact]
    public Task An_unreachable_store_gets_no_unavailable_and_the_session_recovers() => new ImapTranscript(store).RunAsync("unavailable.txt");

    [Fact]
    public Task Starttls_discards_pipelined_plaintext() => new ImapTranscript(store).RunAsync("starttls.txt");

    [Fact]
    public Task Without_tls_off_loopback_login_is_disabled() =>
        new ImapTranscript(store, context: new SessionContext(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000), false, true))
            .RunAsync("plaintext.txt");

    [Fact]
    public Task Section_bytes_are_literals_even_when_short_or_without_a_final_crlf() => new ImapTranscript(store).RunAsync("sections.txt");

    [Fact]
    public Task Atoms_with_every_allowed_character_and_names_that_are_not_modified_utf7_get_no_and_the_session_goes_on() =>
        new ImapTranscript(store).RunAsync("atoms.txt");

    [Fact]
    public Task Id_answers_nil_and_parameter_lists_before_and_after_login_and_bad_forms_get_bad_without_closing() =>
        new ImapTranscript(store).RunAsync("id.txt");

    [Fact]
    public Task Address_keys_match_any_part_of_an_address() => new ImapTranscript(store).RunAsync("search-addresses.txt");

    [Fact]
    public Task Lsub_lists_an_unsubscribed_parent_of_a_subscribed_child_as_noselect_where_percent_stops() =>
        new ImapTranscript(store).RunAsync("subscribe.txt");

    [Fact]
    public Task A_fetch_racing_another_sessions_expunge_returns_what_still_exists_and_succeeds() =>
        new ImapTranscript(store).RunAsync("expunge-race.txt");

    [Fact]
    public Task A_keyword_another_session_stores_is_announced_by_flags_before_any_fetch_shows_it() =>
        new ImapTranscript(store).RunAsync("keywords.txt");

    [Fact]
    public Task Status_size_is_announced_and_reports_the_octets_of_every_message() => new ImapTranscript(store).RunAsync("status-size.txt");

    [Fact]
    public Task List_status_adds_a_status_response_after_each_selectable_mailbox() => new ImapTranscript(store).RunAsync("list-status.txt");

    [Fact]
    public Task List_extended_selection_and_return_options_childinfo_and_nonexistent_parents()
    {
        store.AddSpecialFolder(ImapTranscript.Alice, "Trash", "\\Trash");
        return new ImapTranscript(store).RunAsync("list-extended.txt");
    }

    [Fact]
    public Task Preview_gives_the_first_256_characters_of_the_text_without_markup() => new ImapTranscript(store).RunAsync("preview.txt");

    [Fact]
    public Task Compress_starts_once_after_login_and_drops_what_was_pipelined_behind_it() => new ImapTranscript(store).RunAsync("compress.txt");

    [Fact]
    public Task Utf8_accept_makes_mailbox_names_and_strings_utf8_and_append_takes_utf8_literals() => new ImapTranscript(store).RunAsync("utf8.txt");

    [Fact]
    public Task Qresync_resynchronises_an_offline_client_and_reports_expunges_as_vanished() => new ImapTranscript(store).RunAsync("qresync.txt");

    [Fact]
    public Task A_literal_too_large_to_skip_ends_the_connection() => new ImapTranscript(store).RunAsync("limits-bye.txt");

    [Fact]
    public Task Object_ids_name_mailboxes_across_renames_and_messages_across_copies_and_replies_share_a_thread_id() =>
        new ImapTranscript(store).RunAsync("objectid.txt");

    [Fact]
    public Task Save_dates_are_when_a_message_was_filed_and_saved_keys_search_them_by_day() =>
        new ImapTranscript(store).RunAsync("savedate.txt");

    [Fact]
    public Task Extended_search_returns_min_max_count_and_all_and_a_saved_result_is_named_by_dollar() =>
        new ImapTranscript(store).RunAsync("esearch.txt");

    [Fact]
    public Task Enable_imap4rev2_drops_recent_answers_esearch_and_lists_the_selected_mailbox() =>
        new ImapTranscript(store).RunAsync("imap4rev2.txt");

    [Fact]
    public Task Binary_decodes_parts_sends_nul_bytes_as_literal8_and_refuses_encodings_it_cannot_decode() =>
        new ImapTranscript(store).RunAsync("binary.txt");

    [Fact]
    public Task A_subscribed_mailbox_that_was_deleted_is_listed_as_nonexistent() =>
        new ImapTranscript(store).RunAsync("nonexistent.txt");
}
