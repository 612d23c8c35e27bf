# bash completion for selfctl — installed as
# /usr/share/bash-completion/completions/selfctl. Groups, commands,
# options and argument kinds come from selfctl itself (selfctl --commands,
# the command table), domain names from `selfctl domain list`, so this file
# never lists a command of its own.

# _selfctl_table CONFIG-ARGS… — the command table, cached per shell
_selfctl_table() {
  if [ -z "${_selfctl_cached_table:-}" ]; then
    _selfctl_cached_table=$("${_selfctl_bin:-selfctl}" --commands 2>/dev/null)
  fi
  printf '%s\n' "$_selfctl_cached_table"
}

_selfctl() {
  local cur prev bin=${COMP_WORDS[0]}
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  _selfctl_bin=$bin
  COMPREPLY=()

  # -c/--config FILE anywhere: complete the file, and pass it on to
  # `domain list`; the other words are the command line proper
  local -a words=() conf=()
  local i w cword=0
  for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -c || $w == --config ]] && ((i < COMP_CWORD)); then
      conf=(-c "${COMP_WORDS[i + 1]}")
      ((i++))
      continue
    fi
    ((i == COMP_CWORD)) && cword=${#words[@]}
    words+=("$w")
  done
  if [[ $prev == -c || $prev == --config ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return
  fi

  local table
  table=$(_selfctl_table)
  if ((cword == 0)); then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "-c --config -h --help -V --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$(cut -f1 <<<"$table" | sort -u) help" -- "$cur"))
    fi
    return
  fi

  local group=${words[0]} name opts line argi=1
  line=$(awk -F'\t' -v g="$group" '$1 == g && $2 == "-"' <<<"$table")
  if [ -z "$line" ]; then
    if ((cword == 1)); then
      COMPREPLY=($(compgen -W "$(awk -F'\t' -v g="$group" '$1 == g { print $2 }' <<<"$table")" -- "$cur"))
      return
    fi
    name=${words[1]}
    argi=2
    line=$(awk -F'\t' -v g="$group" -v n="$name" '$1 == g && $2 == n' <<<"$table")
  fi
  [ -n "$line" ] || return
  opts=$(cut -f3 <<<"$line")

  # the value of an option that takes one
  local o kind=""
  for o in $opts; do
    [[ $o == "$prev="* ]] && kind=${o#*=}
  done
  if [ -z "$kind" ] && [[ $cur == -* ]]; then
    local names=""
    for o in $opts; do [[ $o == --* ]] && names="$names ${o%%=*}"; done
    COMPREPLY=($(compgen -W "$names --help" -- "$cur"))
    return
  fi
  if [ -z "$kind" ]; then
    # a positional argument: count the ones before it (option values aside)
    local n=0 skip=0 pos=()
    for o in $opts; do [[ $o == @* ]] && pos+=("${o#@}"); done
    for ((i = argi; i < cword; i++)); do
      if ((skip)); then skip=0; continue; fi
      w=${words[i]}
      if [[ $w == --* ]]; then
        [[ " $opts " == *" $w="* ]] && skip=1
        continue
      fi
      n=$((n + 1))
    done
    ((n < ${#pos[@]})) && kind=${pos[n]}
  fi
  case $kind in
    DOMAIN)
      COMPREPLY=($(compgen -W "$("$bin" "${conf[@]}" domain list 2>/dev/null | cut -f1)" -- "$cur")) ;;
    FILE) COMPREPLY=($(compgen -f -- "$cur")) ;;
    DIR) COMPREPLY=($(compgen -d -- "$cur")) ;;
    *'|'*) COMPREPLY=($(compgen -W "${kind//|/ }" -- "$cur")) ;;
  esac
}
complete -o filenames -o bashdefault -F _selfctl selfctl
