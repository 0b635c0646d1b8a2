#ifndef SEMIHOST_H
#define SEMIHOST_H

void sh_print(const char *text);
void sh_exit(int status) __attribute__((noreturn));

#endif
