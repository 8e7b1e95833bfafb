# Host checks for 05-list.
hwlab_check "$(cat list.status 2>/dev/null)" = 0 "list: edge-devices list exited 0"
hwlab_check_grep '/dev/video0 "vivid" (vivid)$' list.txt present "list: vivid capture node found with its card name"
hwlab_check_grep 'Virtual-1 connected, modes: [0-9]*x[0-9]*@[0-9]* (preferred)' list.txt present "list: bochs connector with its preferred mode"
hwlab_check_grep '\[lab-gpio\] 8 lines' list.txt present "list: gpio-sim chip with 8 lines"
hwlab_check_grep ':1 "GPIO27" input free' list.txt present "list: named line GPIO27 at offset 1, free"
hwlab_check_grep '/dev/ttyS1' list.txt present "list: serial port ttyS1"
