# Camera: vivid found by card name, YUYV at 640x480 with 1/30 s asked (vivid gives 1/25), 30 frames;
# then GREY by device path. The gray frames are saved for the host to check vivid's colour bars.
edge-devices camera --card vivid --format YUYV --width 640 --height 480 --fps 30 --frames 30 \
    --output yuyv.pgm >yuyv.txt 2>&1
echo "$?" >yuyv.status
edge-devices camera --device /dev/video0 --format GREY --width 320 --height 240 --fps 30 --frames 10 \
    --output grey.pgm >grey.txt 2>&1
echo "$?" >grey.status
cat yuyv.txt grey.txt
