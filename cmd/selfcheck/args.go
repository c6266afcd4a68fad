package main

import (
	"errors"
	"flag"
	"fmt"
)

// parseFlags parses a command's arguments into fs. When it returns false
// the command returns code: 0 after --help (the usage is what was asked
// for), 2 after a mistake. A command that takes no words beside its flags
// passes maxWords 0: a stray word is refused, not ignored, since it is most
// often a flag typed without its dashes or a value without its flag.
func parseFlags(fs *flag.FlagSet, args []string, maxWords int) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > maxWords {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q (see selfcheck %s --help)\n", fs.Name(), fs.Arg(maxWords), fs.Name())
		return 2, false
	}
	return 0, true
}

// setUsage gives fs a --help that starts with the command's synopsis and
// what it does, then its flags.
func setUsage(fs *flag.FlagSet, synopsis, about string) {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: selfcheck %s\n\n%s\n\n", synopsis, about)
		fs.PrintDefaults()
	}
}
