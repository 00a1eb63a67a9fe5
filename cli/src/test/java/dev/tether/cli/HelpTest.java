package dev.tether.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HelpTest {
    @Test
    @DisplayName("--help explains every option of every command with an example (but --help and --version)")
    void everyOptionHasAnExample() {
        CommandLine tether = new CommandLine(TetherCli.class);
        List<String> without = new ArrayList<>();
        tether.getSubcommands().forEach((name, command) -> {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) continue;
                String description = String.join(" ", option.description());
                if (!description.contains("Example")) {
                    without.add(command.getCommandName() + " " + option.longestName());
                }
            }
        });
        assertEquals(List.of(), without.stream().distinct().toList());
    }
}
